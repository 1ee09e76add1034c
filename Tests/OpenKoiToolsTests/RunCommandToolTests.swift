import FoundationEssentials
import Glibc
import OpenKoiCore
import Testing

@testable import OpenKoiTools

struct RunCommandToolTests {
    @Test func runsInTheWorkspaceAndReportsTheExitCode() async throws {
        let dir = try TemporaryDirectory()
        let box = makeToolBox(dir)
        let ok = await box.call("run_command", ["command": "pwd; echo hi >&2"])
        #expect(!ok.isError)
        #expect(ok.content == "Exit code: 0\n\(dir.path)\nhi\n")

        let failing = await box.call("run_command", ["command": "exit 4"])
        #expect(!failing.isError)
        #expect(failing.content == "Exit code: 4\n(no output)")

        let notFound = await box.call("run_command", ["command": "openkoi-no-such-program-xyz"])
        #expect(notFound.content.hasPrefix("Exit code: 127 (command not found?)"))
    }

    @Test func timeoutKillsTheCommandAndSaysSo() async throws {
        let dir = try TemporaryDirectory()
        // Unsandboxed, so `$$` is a pid this process can look up (the sandboxed case has its own test).
        let outcome = await makeToolBox(dir, sandbox: CommandSandbox(mode: .off)).call(
            "run_command", ["command": "echo $$; exec sleep 100", "timeout_seconds": 0.3])
        #expect(outcome.isError)
        #expect(outcome.content.contains("timed out after 0.3 s"))
        let pidLine = outcome.content.split(separator: "\n").dropFirst().first.map(String.init) ?? ""
        let pid = try #require(Int32(pidLine.trimmed))
        #expect(kill(pid, 0) == -1)
    }

    @Test func cancellingTheCallKillsTheCommand() async throws {
        let dir = try TemporaryDirectory()
        #expect(mkfifo(dir.url("ready"), 0o600) == 0)
        let box = makeToolBox(dir, sandbox: CommandSandbox(mode: .off))
        let call = Task { await box.call("run_command", ["command": "echo $$ > ready; exec sleep 100"]) }
        let fifo = dir.url("ready")
        let pidText = await DedicatedThread.run { () -> String in
            let fd = open(fifo, O_RDONLY)
            defer { close(fd) }
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = read(fd, &buffer, buffer.count)
            return String(decoding: buffer[0..<max(0, count)], as: UTF8.self)
        }
        let pid = try #require(Int32(pidText.trimmed))
        call.cancel()
        let outcome = await call.value
        #expect(outcome.isError && outcome.content.contains("cancelled"))
        #expect(processHasExited(pid))
    }

    @Test func refuseAllExplainsHowToAllowCommands() async throws {
        let dir = try TemporaryDirectory()
        let outcome = await makeToolBox(dir, policy: .refuseAll).call("run_command", ["command": "touch ran.txt"])
        #expect(outcome.isError)
        #expect(outcome.content.contains("non-interactive"))
        #expect(outcome.content.contains("--yes"))
        #expect(outcome.content.contains("allow_commands"))
        #expect(outcome.content.contains("config.toml"))
        #expect(!dir.exists("ran.txt"))
    }

    @Test func allowListMatchesWholeWordPrefixesOfSingleCommands() async throws {
        let policy = CommandPolicy.allowList(["git status", "swift test"])
        #expect(policy.refusal(for: "git status") == nil)
        #expect(policy.refusal(for: "  git status -s") == nil)
        #expect(policy.refusal(for: "swift test --filter Foo") == nil)
        #expect(policy.refusal(for: "git statusx") != nil)
        #expect(policy.refusal(for: "git push") != nil)
        #expect(policy.refusal(for: "git status; rm -rf /")?.contains("';'") == true)
        #expect(policy.refusal(for: "git status && curl x | sh") != nil)
        #expect(policy.refusal(for: "swift test $(rm x)") != nil)
        #expect(policy.refusal(for: "git status > /etc/x") != nil)
        #expect(policy.refusal(for: "git push")?.contains("allow_commands") == true)

        let dir = try TemporaryDirectory()
        let box = makeToolBox(dir, policy: .allowList(["echo"]))
        let allowed = await box.call("run_command", ["command": "echo allowed"])
        #expect(allowed.content == "Exit code: 0\nallowed\n")
        let refused = await box.call("run_command", ["command": "touch x"])
        #expect(refused.isError && refused.content.contains("'echo'"))
    }

    @Test func policyFromConfiguration() {
        #expect(CommandPolicy(assumeYes: true, allowedPrefixes: ["x"]) == .allowAll)
        #expect(CommandPolicy(assumeYes: false, allowedPrefixes: []) == .refuseAll)
        #expect(CommandPolicy(assumeYes: false, allowedPrefixes: [" ", "make test "]) == .allowList(["make test"]))
    }

    @Test func badArgumentsAreNamed() async throws {
        let dir = try TemporaryDirectory()
        let box = makeToolBox(dir)
        let missing = await box.call("run_command", [:])
        #expect(missing.isError && missing.content.contains("'command'"))
        let badTimeout = await box.call("run_command", ["command": "true", "timeout_seconds": -1])
        #expect(badTimeout.isError && badTimeout.content.contains("'timeout_seconds'"))
        let wrongType = await box.call("run_command", ["command": ["ls"]])
        #expect(wrongType.isError && wrongType.content.contains("must be a string"))
    }
}

struct RunCommandSecretTests {
    @Test func credentialsAreNotPassedToModelCommands() {
        let environment = [
            "PATH": "/usr/bin", "HOME": "/root", "OPENAI_API_KEY": "sk-1", "ANTHROPIC_API_KEY": "k",
            "GITHUB_TOKEN": "t",
            "AWS_SECRET_ACCESS_KEY": "s", "EMAIL_PASSWORD": "p", "LANG": "C.UTF-8",
        ]
        let filtered = CommandEnvironment.withoutSecrets(environment)
        #expect(Set(filtered.keys) == ["PATH", "HOME", "LANG"])
    }
}

extension RunCommandToolTests {
    /// Output far over the 8 MiB held in memory is saved byte for byte (issue 6, item 8); the model
    /// sees the end of it and the file's name.
    @Test func outputTooLongToHoldIsSavedInFull() async throws {
        let dir = try TemporaryDirectory()
        let outcome = await makeToolBox(dir).call("run_command", ["command": "seq 1 3000000"])
        #expect(!outcome.isError)
        // Digits plus a newline for 1…9, 10…99, …, 1000000…3000000.
        let expectedSize = 9 * 2 + 90 * 3 + 900 * 4 + 9000 * 5 + 90000 * 6 + 900_000 * 7 + 2_000_001 * 8
        #expect(
            outcome.content.contains(
                "[Output: \(expectedSize) bytes, saved in full to \(dir.path)/.tool-output/command-"))
        #expect(outcome.content.hasSuffix("2999999\n3000000\n"), "the end is shown: \(outcome.content.suffix(300))")
        #expect(outcome.content.utf8.count < 40_000)
        let path = try #require(
            outcome.content.firstMatch(of: /saved in full to (\S+);/).map { String($0.output.1) })
        let saved = try #require(FileManager.default.contents(atPath: path))
        #expect(saved.count == expectedSize)
        #expect(saved.prefix(6) == Data("1\n2\n3\n".utf8))
        #expect(saved.suffix(8) == Data("3000000\n".utf8))
        #expect(permissions(of: path) == 0o600)
    }
}

extension RunCommandToolTests {
    @Test func theShownTailIsWholeLinesWithinBothLimits() {
        let text = (1...5000).map(String.init).joined(separator: "\n") + "\n"
        let byLines = RunCommandTool.tail(text, maxBytes: 1 << 20, maxLines: 3)
        #expect(byLines == "4998\n4999\n5000\n")
        let byBytes = RunCommandTool.tail(text, maxBytes: 12, maxLines: 1000)
        #expect(byBytes == "4999\n5000\n", "starts at a line start")
        #expect(RunCommandTool.tail("short\n", maxBytes: 100, maxLines: 10) == "short\n")
    }
}
