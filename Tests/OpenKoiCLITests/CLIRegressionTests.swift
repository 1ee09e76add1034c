import Testing

/// Defects found by the first end-to-end pass, kept as regression tests.
struct CLIRegressionTests {
    /// `ProviderError.description` is "\(provider): \(message)", and "no provider" has provider "".
    @Test func noProviderErrorHasNoStrayColon() async throws {
        let sandbox = try CLISandbox()
        let run = try await sandbox.run(["What is 2+2?"])
        #expect(run.exitCode == 1)
        #expect(run.stderr.contains("error: no model provider found"), "\(run.transcript)")
    }

    /// `Session` passes `ConfigWarning.description` (which already says "warning:") to `Console.warning`.
    @Test func configWarningSaysWarningOnce() async throws {
        let sandbox = try CLISandbox()
        try sandbox.write("odd.toml", "[iteration]\nmax_iteratons = 2\n")
        let run = try await sandbox.run(["--config", "odd.toml", "What is 2+2?"])
        let line = try #require(
            run.stderr.split(separator: "\n").first { $0.contains("max_iteratons") }, "\(run.transcript)")
        #expect(line.ranges(of: "warning:").count == 1, "\(line)")
    }

    /// An empty answer is never accepted (small local models do return empty content): each empty
    /// iteration scores 0, and a task that never produced text fails.
    @Test func emptyAnswerIsNotAccepted() async throws {
        let sandbox = try CLISandbox()
        let server = try OpenAIChatEndpoint { _ in "" }
        defer { server.shutdown() }
        let run = try await sandbox.run(
            ["-m", "openai/gpt-4.1", "What is 2+2?"], environment: openAIEnvironment(baseURL: server.baseURL))
        #expect(run.exitCode == 1, "\(run.transcript)")
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("empty answer"), "\(run.transcript)")
    }
}
