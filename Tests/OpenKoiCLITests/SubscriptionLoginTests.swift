import FoundationEssentials
import OpenKoiCore
import OpenKoiTesting
import Testing

/// `openkoi connect copilot` and `connect chatgpt`: each device flow against its fake, what lands in
/// `auth.json`, and a whole task run on the login afterwards.
struct SubscriptionLoginTests {
    static let githubToken = "gho_16C7e42F292c6912E7710c838347Ae178B4a"
    static let sessionToken = "tid=copilot-session-1;exp=1999999999;sku=monthly_subscriber"

    @Test func copilotLoginSavesTheGitHubTokenAndATaskRunsOnTheSessionToken() async throws {
        let sandbox = try CLISandbox()
        let expiresAt = Int(Date().timeIntervalSince1970) + 3600
        // interval 1: the smallest wait between polls GitHub's answer can ask for.
        let github = try FakeGitHubServer(
            interval: 1, polls: [.token(Self.githubToken)],
            exchanges: [.session(token: Self.sessionToken, expiresAt: expiresAt)],
            chat: [.text(["4"]), .text([ChatReplies.passingVerdict])])
        defer { github.shutdown() }

        let login = try await sandbox.run(["connect", "copilot"], environment: ["GITHUB_SERVER_URL": github.rootURL])
        #expect(login.exitCode == 0, "\(login.transcript)")
        #expect(
            login.stderr == """
                Open \(github.rootURL)/login/device and enter the code \(FakeGitHubServer.userCode)
                Waiting for authorization...
                Connected GitHub Copilot.

                """)
        #expect(!login.stderr.contains(Self.githubToken))
        let codeRequest = try #require(await github.requests(to: "/login/device/code").first)
        #expect(FakeGitHubServer.formFields(codeRequest)["client_id"] == "Iv1.b507a08c87ecfe98")
        let polls = await github.requests(to: "/login/oauth/access_token")
        #expect(polls.count == 1)
        #expect(polls.first.map(FakeGitHubServer.formFields)?["device_code"] == FakeGitHubServer.deviceCode)

        #expect(permissions(of: sandbox.authFile) == 0o600)
        let entry = try #require(try sandbox.authJSON()["providers"]?["copilot"], "no copilot entry")
        #expect(entry["type"] == "oauth")
        #expect(entry["access_token"] == .string(Self.githubToken))

        let run = try await sandbox.run(
            ["--json", "-m", "copilot/gpt-4.1", "What is 2+2?"], environment: ["GITHUB_API_URL": github.rootURL])
        #expect(run.exitCode == 0, "\(run.transcript)")
        let result = try run.singleJSONObject()
        #expect(result["output"] == "4")
        #expect(result["model"] == "copilot/gpt-4.1")
        let exchanges = await github.requests(to: "/copilot_internal/v2/token")
        #expect(exchanges.count == 1, "one session token serves the whole run")
        #expect(exchanges.first?.header("Authorization") == "token \(Self.githubToken)")
        let chats = await github.requests(to: "/chat/completions")
        #expect(chats.count == 2)
        for chat in chats {
            #expect(chat.header("Authorization") == "Bearer \(Self.sessionToken)")
            #expect(JSONValue.parse(chat.body)?["model"] == "gpt-4.1")
        }
        #expect(!run.stdout.contains(Self.githubToken) && !run.stderr.contains(Self.githubToken))
    }

    @Test func aDeniedCopilotLoginSavesNothing() async throws {
        let sandbox = try CLISandbox()
        let github = try FakeGitHubServer(interval: 1, polls: [.denied])
        defer { github.shutdown() }
        let login = try await sandbox.run(["connect", "copilot"], environment: ["GITHUB_SERVER_URL": github.rootURL])
        #expect(login.exitCode == 1, "\(login.transcript)")
        #expect(login.stderr.contains("error: "), "\(login.stderr)")
        #expect(login.stderr.contains("denied"), "\(login.stderr)")
        #expect(!FileManager.default.fileExists(atPath: sandbox.authFile))
    }

    @Test func chatGPTLoginSavesTheTokensAndATaskRunsOnTheBackend() async throws {
        let sandbox = try CLISandbox()
        let auth = try FakeOpenAIAuthServer(polls: [.authorized], interval: "1")
        defer { auth.shutdown() }
        let login = try await sandbox.run(
            ["connect", "chatgpt"], environment: ["OPENKOI_OPENAI_AUTH_URL": auth.baseURL])
        #expect(login.exitCode == 0, "\(login.transcript)")
        #expect(
            login.stderr == """
                Open \(auth.baseURL)/codex/device and enter the code \(FakeOpenAIAuthServer.userCode)
                Waiting for authorization...
                Connected ChatGPT.

                """)
        #expect(permissions(of: sandbox.authFile) == 0o600)
        let entry = try #require(try sandbox.authJSON()["providers"]?["chatgpt"], "no chatgpt entry")
        #expect(entry["type"] == "oauth")
        #expect(entry["access_token"] == .string(auth.accessToken(generation: 1)))
        #expect(entry["refresh_token"] == "refresh-1")
        #expect(entry["extra"]?["account_id"] == .string(auth.accountID))
        #expect((entry["expires_at"]?.intValue ?? 0) > Int(Date().timeIntervalSince1970))

        let backend = try FakeResponsesServer(
            [.text(["4"], listsOutput: false), .text([ChatReplies.passingVerdict], listsOutput: false)],
            path: "/backend-api/codex/responses")
        defer { backend.shutdown() }
        try sandbox.write("chatgpt.toml", "[providers.chatgpt]\nbase_url = \"\(backend.baseURL)\"\n")
        let run = try await sandbox.run(
            ["--json", "--config", "chatgpt.toml", "-m", "chatgpt/gpt-5.1-codex", "What is 2+2?"],
            environment: ["OPENKOI_OPENAI_AUTH_URL": auth.baseURL])
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(try run.singleJSONObject()["output"] == "4")
        let calls = await backend.server.requests
        #expect(calls.count == 2)
        for call in calls {
            #expect(call.header("Authorization") == "Bearer \(auth.accessToken(generation: 1))")
            #expect(call.header("ChatGPT-Account-Id") == auth.accountID)
            #expect(JSONValue.parse(call.body)?["model"] == "gpt-5.1-codex")
        }
        #expect(await auth.requests(to: "/oauth/token").count == 1, "a fresh login is not refreshed")
    }

    @Test func anExpiredChatGPTLoginIsRenewedAndSaved() async throws {
        let sandbox = try CLISandbox()
        let auth = try FakeOpenAIAuthServer(signedIn: true)
        defer { auth.shutdown() }
        let stale = auth.signedInTokens(expiresAt: Int(Date().timeIntervalSince1970) - 60)
        let entry: JSONValue = [
            "type": "oauth", "access_token": .string(stale.accessToken), "refresh_token": .string(stale.refreshToken),
            "expires_at": .number(Double(stale.expiresAt)), "extra": ["account_id": .string(auth.accountID)],
        ]
        try Data(JSONValue.object(["providers": ["chatgpt": entry]]).jsonString.utf8).write(
            to: URL(fileURLWithPath: sandbox.authFile))
        let backend = try FakeResponsesServer(
            [.text(["4"], listsOutput: false), .text([ChatReplies.passingVerdict], listsOutput: false)],
            path: "/backend-api/codex/responses")
        defer { backend.shutdown() }
        try sandbox.write("chatgpt.toml", "[providers.chatgpt]\nbase_url = \"\(backend.baseURL)\"\n")
        let run = try await sandbox.run(
            ["--quiet", "--config", "chatgpt.toml", "-m", "chatgpt/gpt-5.1-codex", "What is 2+2?"],
            environment: ["OPENKOI_OPENAI_AUTH_URL": auth.baseURL])
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(run.stdout == "4\n")
        let renewed = auth.accessToken(generation: 2)
        #expect(await backend.server.requests.allSatisfy { $0.header("Authorization") == "Bearer \(renewed)" })
        let saved = try sandbox.authJSON()["providers"]?["chatgpt"]
        #expect(saved?["access_token"] == .string(renewed))
        #expect(saved?["refresh_token"] == "refresh-2", "the rotated refresh token is kept")
        #expect(permissions(of: sandbox.authFile) == 0o600)
    }
}
