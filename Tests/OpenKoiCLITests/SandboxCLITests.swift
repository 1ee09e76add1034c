import OpenKoiCore
import OpenKoiTesting
import Testing

/// The command sandbox through the real binary: a model that asks `run_command` to read openkoi's
/// own environment (issue 6, item 17) gets none of its secrets.
struct SandboxCLITests {
    static let secrets = ["sk-cli-secret-4711", "hunter2-db-password", "sk-deepseek-0815"]

    func runEnvironmentProbe(_ extra: [String]) async throws -> (CLIRun, toolResult: String) {
        let sandbox = try CLISandbox()
        let probe = "tr '\\0' '\\n' < /proc/$PPID/environ; env; echo probe-done"
        let arguments = JSONValue.object(["command": .string(probe)]).jsonString
        let server = try FakeOpenAIServer([
            .toolCalls([.init(id: "call_1", name: "run_command", argumentPieces: [arguments])]),
            .text(["done"]),
        ])
        defer { server.shutdown() }
        var environment = openAIEnvironment(baseURL: server.baseURL, key: Self.secrets[0])
        environment["DATABASE_URL"] = "postgres://app:\(Self.secrets[1])@127.0.0.1/app"
        environment["DEEPSEEK_KEY"] = Self.secrets[2]
        let run = try await sandbox.run(
            ["-m", "openai/gpt-4.1", "-i", "0", "--yes"] + extra + [
                "Run env with run_command and write down which environment variables are set"
            ],
            environment: environment)
        let requests = await server.server.requests
        return (run, requests.count > 1 ? requests[1].bodyText : "")
    }

    @Test func aCommandCannotReadOpenkoisEnvironment() async throws {
        let (run, toolResult) = try await runEnvironmentProbe([])
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(toolResult.contains("probe-done"), "the command ran: \(toolResult)")
        #expect(toolResult.contains("PATH="))
        for secret in Self.secrets {
            #expect(!toolResult.contains(secret), "\(secret) reached the model")
        }
    }

    @Test func aBadSandboxModeIsAUsageError() async throws {
        let sandbox = try CLISandbox()
        let run = try await sandbox.run(["--sandbox", "tight", "hello"])
        #expect(run.exitCode == 64, "\(run.transcript)")
        #expect(run.stderr.contains("--sandbox must be one of read-only, workspace-write, off, got 'tight'"))
    }
}
