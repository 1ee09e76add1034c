import Testing

/// The invocations scripts rely on before any model is involved.
struct VersionAndHelpTests {
    @Test func versionPrintsExactlyTheVersionLine() async throws {
        let sandbox = try CLISandbox()
        let run = try await sandbox.run(["--version"])
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(run.stdout == "openkoi 0.1.0\n")
        #expect(run.stderr == "")
    }

    @Test func helpMentionsBatchAndExitCodes() async throws {
        let sandbox = try CLISandbox()
        let run = try await sandbox.run(["--help"])
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(run.stdout.contains("batch"))
        #expect(run.stdout.contains("Exit codes:"))
        for code in ["0 accepted", "1 failed", "usage error", "4 token budget", "130"] {
            #expect(run.stdout.contains(code), "help does not mention exit code '\(code)'")
        }
    }

    /// Whatever code `--help` documents for usage errors is the one they exit with.
    @Test func usageErrorsExitWithTheDocumentedCode() async throws {
        let sandbox = try CLISandbox()
        let help = try await sandbox.run(["--help"])
        let match = try #require(help.stdout.firstMatch(of: /(\d+) usage error/), "\(help.stdout)")
        let documented = try #require(Int32(match.1))
        let noTask = try await sandbox.run([])
        #expect(noTask.exitCode == documented, "\(noTask.transcript)")
        #expect(noTask.stderr.contains("No task given"))
        #expect(noTask.stdout == "")
        let unknownOption = try await sandbox.run(["--no-such-option", "What is 2+2?"])
        #expect(unknownOption.exitCode == documented, "\(unknownOption.transcript)")
        #expect(unknownOption.stdout == "")
    }
}
