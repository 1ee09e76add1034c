import FoundationEssentials
import Glibc
@testable import OpenKoiCLI
import OpenKoiCore
import OpenKoiTesting
import Testing

/// `openkoi doctor`: the header and `Done.` on stdout, the findings on stderr, no secret anywhere.
struct DoctorCommandTests {
    static let key = "sk-test-doctor-secret-9876"
    static var stdout: String { "openkoi doctor v\(OpenKoiCommand.version)\nDone.\n" }

    /// 1 when the `Sandbox:` line names a reason instead of a mode (no bwrap on this machine).
    static func sandboxProblems(_ lines: [String]) -> Int {
        let sandbox = lines.first { $0.hasPrefix("Sandbox: ") }.map { String($0.dropFirst("Sandbox: ".count)) }
        return sandbox.flatMap(SandboxMode.init(rawValue:)) == nil ? 1 : 0
    }

    @Test func listsEachProviderWithItsModelCountAndMaskedCredential() async throws {
        let sandbox = try CLISandbox()
        let server = try FakeOpenAIServer([], models: ["gpt-4.1", "gpt-4.1-mini", "my-finetune"])
        defer { server.shutdown() }
        let run = try await sandbox.run(
            ["doctor"], environment: openAIEnvironment(baseURL: server.baseURL, key: Self.key))
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(run.stdout == Self.stdout)
        let lines = run.stderr.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "Providers: 1 found", "\(run.stderr)")
        #expect(lines.contains("  openai: 3 model(s), env OPENAI_API_KEY (sk-t…9876)"), "\(run.stderr)")
        #expect(!run.stdout.contains(Self.key) && !run.stderr.contains(Self.key))
        #expect(await server.server.requests.map(\.path) == ["/v1/models"])
    }

    @Test func aKeyFileIsNamedAsTheSourceAndAProviderThatCannotListSaysWhy() async throws {
        let sandbox = try CLISandbox()
        _ = try await sandbox.run(["connect", "openai"], stdin: Self.key)
        let closed = try LoopbackHTTPServer.unusedPort()
        let run = try await sandbox.run(["doctor"], environment: ["OPENAI_BASE_URL": "http://127.0.0.1:\(closed)/v1"])
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(run.stdout == Self.stdout)
        let path = sandbox.credentialsDirectory + "/openai.key"
        let line = try #require(
            run.stderr.split(separator: "\n").first { $0.hasPrefix("  openai: ") }, "\(run.stderr)")
        #expect(line.hasPrefix("  openai: 3 model(s), \(path) (sk-t…9876); could not list models: "), "\(line)")
        #expect(line.contains("127.0.0.1:\(closed)"), "\(line)")
        #expect(!run.stderr.contains(Self.key))
    }

    @Test func noProviderIsAProblemWithAHint() async throws {
        let sandbox = try CLISandbox()
        let run = try await sandbox.run(["doctor"])
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(run.stdout == Self.stdout)
        #expect(
            run.stderr.hasPrefix(
                "Providers: 0 found\n"
                    + "  none: run `openkoi connect`, export a provider's API key, or start a local server\n"),
            "\(run.stderr)")
    }

    @Test func filesReadableByOthersAreFlaggedWithTheirFix() async throws {
        let sandbox = try CLISandbox()
        _ = try await sandbox.run(["connect", "openai"], stdin: Self.key)
        let keyFile = sandbox.credentialsDirectory + "/openai.key"
        try Data("[iteration]\nmax_iterations = 2\n".utf8).write(to: URL(fileURLWithPath: sandbox.configFile))
        chmod(keyFile, 0o644)
        chmod(sandbox.configFile, 0o644)
        chmod(sandbox.openkoiHome, 0o700)
        let closed = try LoopbackHTTPServer.unusedPort()
        let run = try await sandbox.run(["doctor"], environment: ["OPENAI_BASE_URL": "http://127.0.0.1:\(closed)/v1"])
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(run.stdout == Self.stdout)
        let lines = run.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains("  \(keyFile) is 644, should be 600: chmod 600 '\(keyFile)'"), "\(run.stderr)")
        #expect(
            lines.contains("  \(sandbox.configFile) is 644, should be 600: chmod 600 '\(sandbox.configFile)'"),
            "\(run.stderr)")
        #expect(lines.contains("  ok \(sandbox.credentialsDirectory) (700)"), "\(run.stderr)")
        #expect(lines.contains("  ok \(sandbox.openkoiHome) (700)"), "\(run.stderr)")
        // The two files; a provider that cannot list is not a problem, a machine without bwrap is.
        #expect(lines.last == "\(2 + Self.sandboxProblems(lines)) problem(s) found.", "\(run.stderr)")

        chmod(keyFile, 0o600)
        chmod(sandbox.configFile, 0o600)
        let fixed = try await sandbox.run(["doctor"], environment: ["OPENAI_BASE_URL": "http://127.0.0.1:\(closed)/v1"])
        if Self.sandboxProblems(run.stderr.split(separator: "\n").map(String.init)) == 0 {
            #expect(fixed.stderr.hasSuffix("No problems found.\n"), "\(fixed.stderr)")
        }
        #expect(fixed.stderr.contains("  ok \(keyFile) (600)"), "\(fixed.stderr)")
    }

    @Test func anMCPCommandThatIsNotOnPathIsFlagged() async throws {
        let sandbox = try CLISandbox()
        let config = try sandbox.write(
            "mcp.toml",
            """
            [[plugins.mcp]]
            name = "files"
            command = "openkoi-no-such-mcp-server"

            [[plugins.mcp]]
            name = "shell"
            command = "sh"
            """)
        let run = try await sandbox.run(["doctor", "--config", config])
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(run.stdout == Self.stdout)
        let lines = run.stderr.split(separator: "\n").map(String.init)
        #expect(
            lines.contains(
                "  files: 'openkoi-no-such-mcp-server' is not on PATH; install it or fix [[plugins.mcp]] command"),
            "\(run.stderr)")
        #expect(lines.contains { $0.hasPrefix("  shell: /") && $0.hasSuffix("/sh") }, "\(run.stderr)")
    }

    @Test func aServerEchoingTheKeyDoesNotLeakItThroughDoctor() async throws {
        let sandbox = try CLISandbox()
        let key = "sk-test-echoed-secret-4321"
        let server = try LoopbackHTTPServer { _ in
            .json(
                status: 401,
                OpenAIFixtures.error(
                    message: "Incorrect API key provided: \(key).", type: "invalid_request_error",
                    code: "invalid_api_key"))
        }
        defer { server.shutdown() }
        let run = try await sandbox.run(
            ["doctor"], environment: openAIEnvironment(baseURL: server.baseURL + "/v1", key: key))
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(run.stderr.contains("  openai: 3 model(s), env OPENAI_API_KEY (sk-t…4321); could not list models: "))
        #expect(!run.stderr.contains(key) && !run.stdout.contains(key), "\(run.stderr)")
    }
}
