import OpenKoiCore
import Testing

/// A bad `--config` is reported with file and line; unknown keys only warn.
struct ConfigErrorTests {
    @Test func syntaxErrorNamesFileAndLine() async throws {
        let sandbox = try CLISandbox()
        try sandbox.write("bad.toml", "[iteration]\nmax_iterations = 2\nquality_threshold = = 0.5\n")
        let run = try await sandbox.run(["--config", "bad.toml", "What is 2+2?"])
        #expect(run.exitCode != 0, "\(run.transcript)")
        #expect(run.stdout == "")
        #expect(run.stderr.contains("bad.toml:3"), "\(run.transcript)")
        #expect(run.stderr.hasPrefix("error: "), "\(run.transcript)")
    }

    @Test func unknownKeyWarnsAndTheRunProceeds() async throws {
        let sandbox = try CLISandbox()
        try sandbox.write("odd.toml", "[iteration]\nmax_iteratons = 2\n")
        let server = try OpenAIChatEndpoint { _ in "4" }
        defer { server.shutdown() }
        let run = try await sandbox.run(
            ["--quiet", "--config", "odd.toml", "-m", "openai/gpt-4.1", "What is 2+2?"],
            environment: openAIEnvironment(baseURL: server.baseURL))
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(run.stdout == "4\n")
        let warning = try #require(
            run.stderr.split(separator: "\n").first { $0.contains("max_iteratons") }, "\(run.transcript)")
        #expect(warning.contains("warning"))
        #expect(warning.contains("odd.toml:2"), "\(warning)")
    }

    /// Values out of range or not among the choices: the file, the line and why.
    @Test(arguments: [
        ("[pipeline]\nexecutors = 100000\n", "executors"),  // over the 256 workers a stage takes
        ("[tools]\nsandbox = \"loose\"\n", "expected one of read-only, workspace-write, off, got 'loose'"),
    ])
    func aBadValueNamesTheLineAndWhy(config: String, message: String) async throws {
        let sandbox = try CLISandbox()
        let path = try sandbox.write("config.toml", config)
        let run = try await sandbox.run(["--config", path, "hello"])
        #expect(run.exitCode != 0)
        #expect(run.stderr.contains("config.toml:2"), "\(run.transcript)")
        #expect(run.stderr.contains(message))
    }

    @Test func missingConfigFileIsAnErrorNamingThePath() async throws {
        let sandbox = try CLISandbox()
        let run = try await sandbox.run(["--config", "missing.toml", "What is 2+2?"])
        #expect(run.exitCode != 0, "\(run.transcript)")
        #expect(run.stdout == "")
        #expect(run.stderr.contains("error: "), "\(run.transcript)")
        #expect(run.stderr.contains("missing.toml"), "\(run.transcript)")
    }
}
