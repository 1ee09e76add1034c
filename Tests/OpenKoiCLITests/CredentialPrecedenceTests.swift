import FoundationEssentials
import Glibc
import OpenKoiCore
import OpenKoiTesting
import Testing

/// What is stored where after `connect`, and which stored credential a run then uses.
struct CredentialPrecedenceTests {
    static let key = ConnectCommandTests.key

    @Test func aNewKeyIsTheOneUsedEvenWhenAuthJSONHoldsAnOlderOne() async throws {
        let sandbox = try CLISandbox()
        let old = #"{"providers": {"openai": {"type": "api_key", "key": "sk-old-key-from-auth-json"}}}"#
        try Data(old.utf8).write(to: URL(fileURLWithPath: sandbox.authFile))
        let saved = try await sandbox.run(["connect", "openai"], stdin: Self.key)
        #expect(saved.exitCode == 0, "\(saved.transcript)")
        let server = try FakeOpenAIServer([.text(["4"]), .text([ChatReplies.passingVerdict])])
        defer { server.shutdown() }
        let run = try await sandbox.run(
            ["--quiet", "-m", "openai/gpt-4.1", "What is 2+2?"], environment: ["OPENAI_BASE_URL": server.baseURL])
        #expect(run.exitCode == 0, "\(run.transcript)")
        let sent = await server.server.requests.map { $0.header("Authorization") }
        #expect(sent == ["Bearer \(Self.key)", "Bearer \(Self.key)"], "the key just connected is used")
    }

    @Test func aWiderCredentialsDirectoryIsNarrowedAndAKeyFileReplaced() async throws {
        let sandbox = try CLISandbox()
        try FileManager.default.createDirectory(atPath: sandbox.credentialsDirectory, withIntermediateDirectories: true)
        chmod(sandbox.credentialsDirectory, 0o755)
        let path = sandbox.credentialsDirectory + "/openai.key"
        try Data("sk-previous-key-0000\n".utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o644)
        let run = try await sandbox.run(["connect", "openai"], stdin: Self.key)
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(sandbox.read(path) == Self.key + "\n")
        #expect(permissions(of: path) == 0o600)
        #expect(permissions(of: sandbox.credentialsDirectory) == 0o700)
    }

    @Test func aLoginKeepsTheOtherEntriesOfAuthJSON() async throws {
        let sandbox = try CLISandbox()
        let other = #"{"providers": {"openrouter": {"type": "api_key", "key": "sk-or-v1-kept-5678"}}}"#
        try Data(other.utf8).write(to: URL(fileURLWithPath: sandbox.authFile))
        let github = try FakeGitHubServer(interval: 1, polls: [.token("gho_kept_test_token_1234")])
        defer { github.shutdown() }
        let login = try await sandbox.run(["connect", "copilot"], environment: ["GITHUB_SERVER_URL": github.rootURL])
        #expect(login.exitCode == 0, "\(login.transcript)")
        let providers = try sandbox.authJSON()["providers"]
        #expect(providers?["openrouter"]?["key"] == "sk-or-v1-kept-5678")
        #expect(providers?["copilot"]?["access_token"] == "gho_kept_test_token_1234")
        let status = try await sandbox.run(["connect", "status"])
        #expect(
            status.stderr == """
                Connected:
                  copilot: \(sandbox.authFile) (gho_…1234)
                  openrouter: \(sandbox.authFile) (sk-o…5678)

                """)
    }

    @Test func disconnectWithoutATargetOrTerminalIsAUsageErrorListingWhatIsStored() async throws {
        let sandbox = try CLISandbox()
        _ = try await sandbox.run(["connect", "groq"], stdin: Self.key)
        let run = try await sandbox.run(["disconnect"])
        #expect(run.exitCode == 64, "\(run.transcript)")
        #expect(run.stderr == "error: disconnect needs a target: one of groq, all\n")
        #expect(FileManager.default.fileExists(atPath: sandbox.credentialsDirectory + "/groq.key"))
    }

    /// A hand-edit gone wrong must be named, not read as "never logged in".
    @Test func anUnreadableAuthJSONIsNamedNotTakenForNoLogin() async throws {
        let sandbox = try CLISandbox()
        try Data(#"{"providers": {"copilot": {"type": "oauth", "access_token": "gho_x""#.utf8).write(
            to: URL(fileURLWithPath: sandbox.authFile))  // cut off mid-edit
        chmod(sandbox.authFile, 0o600)
        let closed = try LoopbackHTTPServer.unusedPort()
        let github = ["GITHUB_API_URL": "http://127.0.0.1:\(closed)"]  // never the real host
        let run = try await sandbox.run(["-m", "copilot/gpt-4.1", "What is 2+2?"], environment: github)
        #expect(run.exitCode == 1, "\(run.transcript)")
        let error = try #require(run.stderr.split(separator: "\n").first { $0.hasPrefix("error: ") }, "\(run.stderr)")
        #expect(error.contains(sandbox.authFile) && error.contains("not valid JSON"), "\(error)")
        let doctor = try await sandbox.run(["doctor"], environment: github)
        #expect(doctor.stderr.contains("\(sandbox.authFile): not valid JSON"), "\(doctor.stderr)")
    }
}
