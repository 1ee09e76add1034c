import Testing

/// The two invocations scripts rely on before any model is involved.
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
        for code in ["0 accepted", "1 failed", "2 usage error", "4 token budget", "130"] {
            #expect(run.stdout.contains(code), "help does not mention exit code '\(code)'")
        }
    }
}
