import Glibc
import OpenKoiCore
import Testing

@testable import OpenKoiTools

struct SubprocessTests {
    @Test func capturesMergedOutputAndExitCode() async throws {
        let result = try await Subprocess(.shell("echo out; echo err >&2; exit 3")).run()
        #expect(result.exitCode == 3)
        #expect(result.output == "out\nerr\n")
        #expect(!result.timedOut && !result.cancelled)
    }

    @Test func separatesStreamsWithoutDeadlockingOnLargeOutput() async throws {
        // Both streams far exceed a pipe buffer (64 KiB): reading one while the other fills would hang.
        let script = "head -c 1000000 /dev/zero | tr '\\0' e >&2; head -c 1000000 /dev/zero | tr '\\0' o; echo done"
        let result = try await Subprocess(.shell(script), capture: .separate).run()
        #expect(result.exitCode == 0)
        #expect(result.output.utf8.count == 1_000_005)
        #expect(result.output.hasSuffix("done\n"))
        #expect(result.errorOutput.utf8.count == 1_000_000)
    }

    @Test func runsArgvInTheWorkingDirectoryWithTheEnvironment() async throws {
        let dir = try TemporaryDirectory()
        let pwd = try await Subprocess(.argv(["pwd"]), workingDirectory: dir.path).run()
        #expect(pwd.output == dir.path + "\n")
        let args = try await Subprocess(.argv(["printf", "%s|", "a b", "c"])).run()
        #expect(args.output == "a b|c|")
        let env = try await Subprocess(
            .shell("echo \"$OPENKOI_TEST_VALUE\""),
            environment: ["OPENKOI_TEST_VALUE": "ünïcode", "PATH": "/usr/bin:/bin"]
        ).run()
        #expect(env.output == "ünïcode\n")
        let stdin = try await Subprocess(.shell("cat; echo end")).run()
        #expect(stdin.output == "end\n")
    }

    @Test func failsClearlyWhenTheProgramOrDirectoryIsMissing() async throws {
        let missing = await #expect(throws: SubprocessError.self) {
            try await Subprocess(.argv(["openkoi-no-such-program-xyz"])).run()
        }
        #expect(missing?.kind == .spawnFailed)
        #expect(missing?.message.contains("openkoi-no-such-program-xyz") == true)
        let badDirectory = await #expect(throws: SubprocessError.self) {
            try await Subprocess(.shell("true"), workingDirectory: "/tmp/openkoi-no-such-dir-xyz").run()
        }
        #expect(badDirectory?.message.contains("working directory") == true)
        let shellMissing = try await Subprocess(.shell("openkoi-no-such-program-xyz")).run()
        #expect(shellMissing.exitCode == 127)
    }

    @Test func capsOutputKeepingTheTail() async throws {
        let script = "head -c 3000000 /dev/zero | tr '\\0' a; echo END"
        let result = try await Subprocess(.shell(script), outputLimit: 1_000_000).run()
        #expect(result.output.utf8.count <= 1_000_000)
        #expect(result.output.hasSuffix("aEND\n"))
        #expect(result.droppedBytes == 3_000_004 - result.output.utf8.count)
    }

    @Test func timeoutKillsTheChild() async throws {
        let result = try await Subprocess(.shell("exec sleep 100"), timeout: 0.3).run()
        #expect(result.timedOut)
        #expect(result.terminatingSignal == SIGTERM)
        #expect(result.exitCode == 128 + SIGTERM)
        // The child was reaped by the supervisor, so its pid no longer exists.
        #expect(kill(result.pid, 0) == -1 && errno == ESRCH)
    }

    @Test func timeoutKillsTheWholeProcessGroup() async throws {
        let result = try await Subprocess(.shell("sleep 100 & echo $!; wait"), timeout: 0.3).run()
        #expect(result.timedOut)
        let grandchild = try #require(Int32(result.output.trimmed))
        #expect(processHasExited(grandchild))
    }

    @Test func timeoutEscalatesToSigkillWhenSigtermIsIgnored() async throws {
        let result = try await Subprocess(
            .shell("trap '' TERM; sleep 100 & wait; wait"), timeout: 0.2, killGracePeriod: 0.2
        ).run()
        #expect(result.timedOut)
        #expect(result.terminatingSignal == SIGKILL)
    }

    @Test func backgroundProcessesDoNotOutliveTheCommand() async throws {
        let result = try await Subprocess(.shell("sleep 100 & echo $!"), timeout: 30).run()
        #expect(result.exitCode == 0 && !result.timedOut)
        let straggler = try #require(Int32(result.output.trimmed))
        #expect(processHasExited(straggler))
    }

    @Test func cancellationKillsTheProcessGroup() async throws {
        let dir = try TemporaryDirectory()
        let fifo = dir.url("ready")
        #expect(mkfifo(fifo, 0o600) == 0)
        let task = Task {
            try await Subprocess(.shell("sleep 100 & echo $! > ready; wait"), workingDirectory: dir.path, timeout: 60)
                .run()
        }
        // Opening the FIFO blocks until the command has written the pid: no polling, no sleeping.
        let pidText = await DedicatedThread.run { () -> String in
            let fd = open(fifo, O_RDONLY)
            defer { close(fd) }
            var buffer = [UInt8](repeating: 0, count: 64)
            let count = read(fd, &buffer, buffer.count)
            return String(decoding: buffer[0..<max(0, count)], as: UTF8.self)
        }
        let grandchild = try #require(Int32(pidText.trimmed))
        #expect(processIsRunning(grandchild))

        task.cancel()
        let result = try await task.value
        #expect(result.cancelled)
        #expect(!result.timedOut)
        #expect(processHasExited(grandchild))
        #expect(kill(result.pid, 0) == -1)
    }

    @Test func alreadyCancelledTaskDoesNotStartTheProcess() async throws {
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await Subprocess(.shell("echo should-not-run")).run()
        }
        let error = await #expect(throws: SubprocessError.self) { try await task.value }
        #expect(error?.kind == .cancelled)
    }
}
