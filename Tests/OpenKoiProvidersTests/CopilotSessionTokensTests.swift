import OpenKoiCore
import OpenKoiTesting
import Testing

@testable import OpenKoiProviders

/// The GitHub-token-for-session-token exchange and its cache, against `FakeGitHubServer` over real HTTP.
struct CopilotSessionTokensTests {
    let githubToken = "gho_github_secret_5678"
    let clock = GitHubLoginClock()

    func sessions(_ fake: FakeGitHubServer) -> CopilotSessionTokens {
        CopilotSessionTokens(
            githubToken: githubToken, baseURL: fake.rootURL, transport: CurlTransport(), now: clock.clock)
    }

    @Test func theExchangeSendsTheGitHubTokenAndEditorHeaders() async throws {
        let expiry = clock.now + 1800
        let fake = try FakeGitHubServer(exchanges: [.session(token: "tid=s1;exp=1", expiresAt: expiry)])
        defer { fake.shutdown() }
        let session = try await sessions(fake).current()
        #expect(session.token.value == "tid=s1;exp=1")
        #expect(session.expiresAt == expiry)
        #expect(session.apiBase == fake.rootURL)
        #expect(!"\(session)".contains("tid=s1"))

        let sent = try #require(await fake.requests(to: "/copilot_internal/v2/token").first)
        #expect(sent.method == "GET")
        #expect(sent.header("authorization") == "token \(githubToken)")
        #expect(sent.header("accept") == "application/json")
        #expect(sent.header("user-agent") == "openkoi")
        #expect(sent.header("editor-version") == "vscode/1.104.1")
        #expect(sent.header("editor-plugin-version") == "copilot-chat/0.26.7")
    }

    @Test func missingExpiryAndEndpointsFallBackToDefaults() async throws {
        let transport = ScriptedTransport([
            .respond(chunks: [CopilotFixtures.session(token: "s-plain", expiresAt: nil, apiBase: nil)])
        ])
        let tokens = CopilotSessionTokens(githubToken: githubToken, transport: transport, now: clock.clock)
        let session = try await tokens.current()
        #expect(session.expiresAt == clock.now + 25 * 60)
        #expect(session.apiBase == "https://api.githubcopilot.com")
        let sent = try #require(await transport.requests.first)
        #expect(sent.url == "https://api.github.com/copilot_internal/v2/token")
        #expect(sent.timeout == 10)
    }

    @Test func theSessionIsRenewedOnlyOnceTheClockReachesExpiryLessAMinute() async throws {
        let expiry = clock.now + 1800
        let fake = try FakeGitHubServer(exchanges: [
            .session(token: "s1", expiresAt: expiry), .session(token: "s2", expiresAt: expiry + 1800),
        ])
        defer { fake.shutdown() }
        let tokens = sessions(fake)
        #expect(try await tokens.current().token.value == "s1")
        clock.advance(by: 1800 - 61)
        #expect(try await tokens.current().token.value == "s1")
        #expect(await fake.exchangeCount == 1)
        clock.advance(by: 1)
        #expect(try await tokens.current().token.value == "s2")
        #expect(await fake.exchangeCount == 2)
    }

    @Test func concurrentCallersShareOneExchange() async throws {
        // The answer's body is held back a moment so the callers pile up behind the running exchange.
        let slow = ScriptedResponse.streamed(
            headers: [("Content-Type", "application/json")],
            parts: [
                .pause(milliseconds: 200),
                .text(CopilotFixtures.session(token: "shared", expiresAt: clock.now + 1800, apiBase: nil)),
            ])
        let fake = try FakeGitHubServer(exchanges: [.raw(slow), .session(token: "second", expiresAt: clock.now + 1800)])
        defer { fake.shutdown() }
        let tokens = sessions(fake)
        let seen = await withTaskGroup(of: String?.self) { group in
            for _ in 0..<8 { group.addTask { try? await tokens.current().token.value } }
            return await group.reduce(into: [String?]()) { $0.append($1) }
        }
        #expect(seen == Array(repeating: "shared", count: 8))
        #expect(await fake.exchangeCount == 1)
    }

    @Test func aRejectionSeenByTwoCallersCostsOneExchange() async throws {
        let fake = try FakeGitHubServer(exchanges: [
            .session(token: "s1", expiresAt: clock.now + 1800), .session(token: "s2", expiresAt: clock.now + 1800),
        ])
        defer { fake.shutdown() }
        let tokens = sessions(fake)
        let rejected = try await tokens.current()
        let first = try await tokens.renew(after: rejected)
        // A second caller that saw the same rejected token gets the replacement, not a third exchange.
        let second = try await tokens.renew(after: rejected)
        #expect(first.token.value == "s2" && second.token.value == "s2")
        #expect(await fake.exchangeCount == 2)
    }

    @Test(arguments: [401, 403, 404])
    func aRejectedGitHubTokenIsAnAuthenticationErrorWithAdvice(status: Int) async throws {
        let fake = try FakeGitHubServer(exchanges: [.status(status)])
        defer { fake.shutdown() }
        let failure = try await #require(throws: ProviderError.self) { try await sessions(fake).current() }
        #expect(failure.kind == .authentication)
        #expect(failure.provider == "copilot")
        #expect(failure.message.hasPrefix("GitHub token rejected or no Copilot subscription (HTTP \(status)"))
        #expect(failure.message.contains("Resource not accessible by integration"))
        #expect(failure.message.hasSuffix("; run openkoi connect copilot"))
        #expect(!failure.isRetriable)
    }

    @Test func otherExchangeFailuresKeepTheirKindAndNeverShowTheToken() async throws {
        let echo = #"{"message":"upstream broke while checking \#(githubToken)"}"#
        let transport = ScriptedTransport([
            .respond(status: 503, chunks: [echo]), .respond(chunks: [#"{"expires_at": 1}"#]),
        ])
        let tokens = CopilotSessionTokens(githubToken: githubToken, transport: transport, now: clock.clock)
        let unavailable = try await #require(throws: ProviderError.self) { try await tokens.current() }
        #expect(unavailable.kind == .http(status: 503))
        #expect(unavailable.isRetriable)
        #expect(unavailable.message.hasPrefix("the Copilot token exchange failed: HTTP 503"))
        #expect(!unavailable.message.contains(githubToken))
        let tokenless = try await #require(throws: ProviderError.self) { try await tokens.current() }
        #expect(tokenless.kind == .malformedResponse)
        #expect(tokenless.message.contains("without a token"))
    }

    @Test func aBlankGitHubTokenNeedsALogin() async throws {
        let transport = ScriptedTransport([])
        let tokens = CopilotSessionTokens(githubToken: " ", transport: transport, now: clock.clock)
        let failure = try await #require(throws: ProviderError.self) { try await tokens.current() }
        #expect(
            failure
                == ProviderError(
                    .authentication, provider: "copilot", message: "no GitHub login; run openkoi connect copilot"))
        #expect(await transport.requests.isEmpty)
    }
}
