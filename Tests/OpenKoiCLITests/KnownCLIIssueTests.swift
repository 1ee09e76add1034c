import Testing

/// Behaviour that differs from what the CLI documents, pinned so the fix is noticed: each check sits in
/// `withKnownIssue`, which fails the test once the issue is gone; then drop the wrapper.
struct KnownCLIIssueTests {
    /// `--help` promises "2 usage error"; ArgumentParser's `ValidationError` exits with EX_USAGE (64).
    @Test func usageErrorsExitWithTheDocumentedCode() async throws {
        let sandbox = try CLISandbox()
        let noTask = try await sandbox.run([])
        #expect(noTask.stderr.contains("No task given"), "\(noTask.transcript)")
        #expect(noTask.stdout == "")
        let unknownOption = try await sandbox.run(["--no-such-option", "What is 2+2?"])
        #expect(unknownOption.stdout == "")
        withKnownIssue("usage errors exit 64, not the documented 2 (OpenKoiCommand.main)") {
            #expect(noTask.exitCode == 2, "\(noTask.transcript)")
            #expect(unknownOption.exitCode == 2, "\(unknownOption.transcript)")
        }
    }

    /// `ProviderError.description` is "\(provider): \(message)", and "no provider" has provider "".
    @Test func noProviderErrorHasNoStrayColon() async throws {
        let sandbox = try CLISandbox()
        let run = try await sandbox.run(["What is 2+2?"])
        #expect(run.exitCode == 1)
        withKnownIssue("the message reads 'error: : no model provider found'") {
            #expect(run.stderr.contains("error: no model provider found"), "\(run.transcript)")
        }
    }

    /// `Session` passes `ConfigWarning.description` (which already says "warning:") to `Console.warning`.
    @Test func configWarningSaysWarningOnce() async throws {
        let sandbox = try CLISandbox()
        try sandbox.write("odd.toml", "[iteration]\nmax_iteratons = 2\n")
        let run = try await sandbox.run(["--config", "odd.toml", "What is 2+2?"])
        let line = try #require(
            run.stderr.split(separator: "\n").first { $0.contains("max_iteratons") }, "\(run.transcript)")
        withKnownIssue("the line reads 'warning: odd.toml:2: warning: unknown key …'") {
            #expect(line.ranges(of: "warning:").count == 1, "\(line)")
        }
    }

    /// An empty executor answer that the judge happens to pass is accepted: exit 0 with nothing on
    /// stdout. Small local models do return empty content; it should fail the iteration instead.
    @Test func emptyAnswerIsNotAccepted() async throws {
        let sandbox = try CLISandbox()
        let server = try OpenAIChatEndpoint { _ in "" }
        defer { server.shutdown() }
        let run = try await sandbox.run(
            ["-m", "openai/gpt-4.1", "What is 2+2?"], environment: openAIEnvironment(baseURL: server.baseURL))
        withKnownIssue("an empty answer is accepted with exit 0 and empty stdout") {
            #expect(run.exitCode != 0 || !run.stdout.isEmpty, "\(run.transcript)")
        }
    }
}
