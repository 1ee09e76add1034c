import FoundationEssentials
import OpenKoiCore
import OpenKoiTesting
import Testing

/// `openkoi connect <provider>` with the key piped in, `connect status`, and the refusals.
struct ConnectCommandTests {
    static let key = "sk-test-abcdefghijklmnop1234"
    static let masked = "sk-t…1234"
    static let targets =
        "copilot, chatgpt, anthropic, openai, google, openrouter, groq, together, deepseek, xai, moonshot, qwen, status"

    @Test func aPipedKeyIsSavedPrivatelyAndNeverPrinted() async throws {
        let sandbox = try CLISandbox()
        let run = try await sandbox.run(["connect", "openai"], stdin: Self.key + "\n")
        #expect(run.exitCode == 0, "\(run.transcript)")
        let path = sandbox.credentialsDirectory + "/openai.key"
        #expect(run.stdout == "")
        #expect(run.stderr == "Connected OpenAI: key saved to \(path) (\(Self.masked))\n")
        #expect(sandbox.read(path) == Self.key + "\n")
        #expect(permissions(of: path) == 0o600)
        #expect(permissions(of: sandbox.credentialsDirectory) == 0o700)
    }

    @Test func aSavedKeyIsUsedForTheNextTask() async throws {
        let sandbox = try CLISandbox()
        let saved = try await sandbox.run(["connect", "openai"], stdin: Self.key)
        #expect(saved.exitCode == 0, "\(saved.transcript)")
        let server = try FakeOpenAIServer([.text(["4"]), .text([ChatReplies.passingVerdict])])
        defer { server.shutdown() }
        let run = try await sandbox.run(
            ["--quiet", "-m", "openai/gpt-4.1", "What is 2+2?"], environment: ["OPENAI_BASE_URL": server.baseURL])
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(run.stdout == "4\n")
        let requests = await server.server.requests
        #expect(requests.count == 2)
        #expect(requests.allSatisfy { $0.header("Authorization") == "Bearer \(Self.key)" })
    }

    @Test func statusListsConnectionsWithMaskedKeys() async throws {
        let sandbox = try CLISandbox()
        _ = try await sandbox.run(["connect", "groq"], stdin: Self.key)
        let run = try await sandbox.run(
            ["connect", "status"], environment: ["ANTHROPIC_API_KEY": "sk-ant-api03-zyxwvutsrq9876"])
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(run.stdout == "")
        #expect(
            run.stderr == """
                Connected:
                  anthropic: env ANTHROPIC_API_KEY (sk-a…9876)
                  groq: \(sandbox.credentialsDirectory)/groq.key (\(Self.masked))

                """)
        #expect(!run.stderr.contains(Self.key))
    }

    @Test func statusWithNothingConnectedSaysSo() async throws {
        let sandbox = try CLISandbox()
        let run = try await sandbox.run(["connect", "status"])
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(run.stderr == "No providers or integrations are currently connected.\n")
    }

    @Test func noTargetWithoutATerminalIsAUsageErrorListingTheTargets() async throws {
        let sandbox = try CLISandbox()
        let run = try await sandbox.run(["connect"])
        #expect(run.exitCode == 64, "\(run.transcript)")
        #expect(run.stdout == "")
        #expect(run.stderr == "error: connect needs a target: one of \(Self.targets)\n")
    }

    @Test func anUnknownTargetIsAUsageError() async throws {
        let sandbox = try CLISandbox()
        let run = try await sandbox.run(["connect", "nosuchprovider"], stdin: Self.key)
        #expect(run.exitCode == 64, "\(run.transcript)")
        #expect(run.stderr == "error: unknown target 'nosuchprovider'. Valid targets: \(Self.targets)\n")
        #expect(!FileManager.default.fileExists(atPath: sandbox.credentialsDirectory + "/nosuchprovider.key"))
    }

    @Test func anIntegrationIsNotAvailableYet() async throws {
        let sandbox = try CLISandbox()
        let run = try await sandbox.run(["connect", "slack"], stdin: "xoxb-123456789012")
        #expect(run.exitCode == 1, "\(run.transcript)")
        #expect(
            run.stderr == "error: slack is an integration; integrations are not available in this version yet\n")
        #expect((try sandbox.openkoiHomeFiles()).isEmpty, "nothing is saved for an integration")
    }

    @Test(arguments: [
        ("sk-test one two", "error: the key contains spaces or line breaks; paste the key alone. Nothing saved\n"),
        (
            "sk-line-one\nsk-line-two\n",
            "error: the key contains spaces or line breaks; paste the key alone. Nothing saved\n"
        ),
        ("", "error: no key given; nothing saved\n"),
        ("  \n", "error: no key given; nothing saved\n"),
    ])
    func aMalformedKeyIsRefusedAndNothingSaved(input: String, message: String) async throws {
        let sandbox = try CLISandbox()
        let run = try await sandbox.run(["connect", "anthropic"], stdin: input)
        #expect(run.exitCode == 1, "\(run.transcript)")
        #expect(run.stderr == message)
        #expect(!FileManager.default.fileExists(atPath: sandbox.credentialsDirectory + "/anthropic.key"))
    }

    @Test func anAliasSavesUnderTheProvidersID() async throws {
        let sandbox = try CLISandbox()
        let run = try await sandbox.run(["connect", "claude"], stdin: Self.key)
        #expect(run.exitCode == 0, "\(run.transcript)")
        let path = sandbox.credentialsDirectory + "/anthropic.key"
        #expect(run.stderr == "Connected Anthropic: key saved to \(path) (\(Self.masked))\n")
        #expect(sandbox.read(path) == Self.key + "\n")
    }
}

/// `openkoi disconnect`: removes what `connect` stored, and says what it cannot remove.
struct DisconnectCommandTests {
    static let key = ConnectCommandTests.key

    @Test func disconnectRemovesTheKeyFile() async throws {
        let sandbox = try CLISandbox()
        _ = try await sandbox.run(["connect", "openai"], stdin: Self.key)
        let path = sandbox.credentialsDirectory + "/openai.key"
        try #require(FileManager.default.fileExists(atPath: path))
        let run = try await sandbox.run(["disconnect", "openai"])
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(run.stderr == "Disconnected openai.\n")
        #expect(!FileManager.default.fileExists(atPath: path))
        let status = try await sandbox.run(["connect", "status"])
        #expect(status.stderr == "No providers or integrations are currently connected.\n")
    }

    @Test func disconnectPointsOutAVariableThatIsStillSet() async throws {
        let sandbox = try CLISandbox()
        _ = try await sandbox.run(["connect", "openai"], stdin: Self.key)
        let run = try await sandbox.run(["disconnect", "openai"], environment: ["OPENAI_API_KEY": "sk-from-env-1"])
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(
            run.stderr == """
                Disconnected openai.
                Note: OPENAI_API_KEY is still set in your environment; unset it to stop using openai.

                """)
    }

    @Test func disconnectRemovesOnlyThatLoginFromAuthJSON() async throws {
        let sandbox = try CLISandbox()
        let entries = """
            {"providers": {
              "copilot": {"type": "oauth", "access_token": "gho_stored", "refresh_token": "gho_stored", "expires_at": 0},
              "openrouter": {"type": "api_key", "key": "sk-or-v1-stored-1234"}
            }}
            """
        try Data(entries.utf8).write(to: URL(fileURLWithPath: sandbox.authFile))
        let run = try await sandbox.run(["disconnect", "copilot"])
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(run.stderr == "Disconnected copilot.\n")
        let auth = try sandbox.authJSON()
        #expect(auth["providers"]?["copilot"] == nil, "\(auth)")
        #expect(auth["providers"]?["openrouter"]?["key"] == "sk-or-v1-stored-1234")
        #expect(permissions(of: sandbox.authFile) == 0o600)
    }

    @Test func disconnectAllRemovesEveryStoredConnection() async throws {
        let sandbox = try CLISandbox()
        _ = try await sandbox.run(["connect", "openai"], stdin: Self.key)
        _ = try await sandbox.run(["connect", "groq"], stdin: Self.key)
        let run = try await sandbox.run(["disconnect", "all"])
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(run.stderr == "Disconnected groq.\nDisconnected openai.\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: sandbox.credentialsDirectory).isEmpty)
    }

    @Test(arguments: [[], ["all"]])
    func withNothingStoredThereIsNothingToDisconnect(arguments: [String]) async throws {
        let sandbox = try CLISandbox()
        let run = try await sandbox.run(["disconnect"] + arguments)
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(run.stdout == "")
        #expect(run.stderr == "No providers or integrations are currently connected.\n")
    }

    @Test func somethingNotConnectedIsSaidToBeNotConnected() async throws {
        let sandbox = try CLISandbox()
        _ = try await sandbox.run(["connect", "openai"], stdin: Self.key)
        let run = try await sandbox.run(["disconnect", "groq"])
        #expect(run.stderr == "groq is not connected.\n", "\(run.transcript)")
        #expect(FileManager.default.fileExists(atPath: sandbox.credentialsDirectory + "/openai.key"))
    }
}
