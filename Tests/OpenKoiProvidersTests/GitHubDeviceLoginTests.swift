import OpenKoiCore
import OpenKoiTesting
import Testing

@testable import OpenKoiProviders

/// Time that passes only when the code under test sleeps: the injected sleeper records each wait and
/// moves the clock by it, so polling and expiry run instantly and exactly.
final class GitHubLoginClock: Sendable {
    private let state = LockedValue((now: 1_700_000_000, sleeps: [Double]()))

    var now: Int { state.value.now }
    var sleeps: [Double] { state.value.sleeps }
    func advance(by seconds: Int) { state.withLock { $0.now += seconds } }

    var clock: UnixClock { { [state] in state.value.now } }
    var sleeper: RetryingProvider.Sleeper {
        { [state] seconds in
            state.withLock { state in
                state.now += Int(seconds)
                state.sleeps.append(seconds)
            }
        }
    }
}

/// Collects what the login asked the user to do.
actor PromptLog {
    private(set) var prompts: [GitHubDeviceLogin.Prompt] = []
    func record(_ prompt: GitHubDeviceLogin.Prompt) { prompts.append(prompt) }
}

struct GitHubDeviceLoginTests {
    let clock = GitHubLoginClock()
    let prompts = PromptLog()

    func login(_ fake: FakeGitHubServer) -> GitHubDeviceLogin {
        GitHubDeviceLogin(baseURL: fake.rootURL, transport: CurlTransport(), sleep: clock.sleeper, now: clock.clock)
    }

    func run(_ fake: FakeGitHubServer) async throws -> OAuthTokens {
        try await login(fake).run { await prompts.record($0) }
    }

    @Test func pendingThenSlowDownThenApprovalYieldsTheGitHubToken() async throws {
        let fake = try FakeGitHubServer(polls: [
            .pending, .slowDown(interval: 10), .pending, .token("gho_approved_1234"),
        ])
        defer { fake.shutdown() }
        let tokens = try await run(fake)
        #expect(
            tokens == OAuthTokens(accessToken: "gho_approved_1234", refreshToken: "gho_approved_1234", expiresAt: 0))
        #expect(!"\(tokens)".contains("gho_approved"))
        // Each poll waits first; slow_down raised the interval from 5 to 10 for every later poll.
        #expect(clock.sleeps == [5, 5, 10, 10])
        #expect(
            await prompts.prompts == [
                GitHubDeviceLogin.Prompt(
                    userCode: FakeGitHubServer.userCode, verificationURI: fake.rootURL + "/login/device", expiresIn: 900
                )
            ])

        let codeRequest = try #require(await fake.requests(to: "/login/device/code").first)
        #expect(codeRequest.method == "POST")
        #expect(codeRequest.header("accept") == "application/json")
        #expect(codeRequest.header("content-type") == "application/x-www-form-urlencoded")
        #expect(
            FakeGitHubServer.formFields(codeRequest) == ["client_id": "Iv1.b507a08c87ecfe98", "scope": "read:user"])
        let polls = await fake.requests(to: "/login/oauth/access_token")
        #expect(polls.count == 4)
        for poll in polls {
            #expect(poll.method == "POST" && poll.header("accept") == "application/json")
            #expect(
                FakeGitHubServer.formFields(poll) == [
                    "client_id": "Iv1.b507a08c87ecfe98", "device_code": FakeGitHubServer.deviceCode,
                    "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
                ])
        }
        // The form is percent-encoded on the wire, not sent raw.
        #expect(polls[0].bodyText.contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code"))
    }

    @Test func slowDownWithoutAnIntervalAddsFiveSecondsAndDefaultsApply() async throws {
        // No interval or expires_in in the device-code answer: 5 s and 15 minutes.
        let fake = try FakeGitHubServer(
            interval: nil, expiresIn: nil,
            polls: [.slowDown(interval: nil), .slowDown(interval: nil), .token("gho_x9")])
        defer { fake.shutdown() }
        #expect(try await run(fake).accessToken == "gho_x9")
        #expect(clock.sleeps == [5, 10, 15])
        #expect(await prompts.prompts.first?.expiresIn == 900)
    }

    @Test func anExpiredCodeSaysToConnectAgain() async throws {
        let fake = try FakeGitHubServer(polls: [.pending, .expired])
        defer { fake.shutdown() }
        let failure = try await #require(throws: ProviderError.self) { try await run(fake) }
        #expect(failure.kind == .authentication)
        #expect(failure.provider == "copilot")
        #expect(failure.message == "the code expired; run openkoi connect copilot again")
    }

    @Test func theCodeExpiresLocallyWhenGitHubKeepsSayingPending() async throws {
        let fake = try FakeGitHubServer(interval: 5, expiresIn: 12, polls: Array(repeating: .pending, count: 10))
        defer { fake.shutdown() }
        let failure = try await #require(throws: ProviderError.self) { try await run(fake) }
        #expect(failure.message == "the code expired; run openkoi connect copilot again")
        // Polled at 5 s and 10 s; at 15 s the code's 12 s were over, so no third poll.
        #expect(await fake.requests(to: "/login/oauth/access_token").count == 2)
    }

    @Test func aDeniedAuthorizationIsFinal() async throws {
        let fake = try FakeGitHubServer(polls: [.pending, .denied, .token("gho_never")])
        defer { fake.shutdown() }
        let failure = try await #require(throws: ProviderError.self) { try await run(fake) }
        #expect(failure.kind == .authentication)
        #expect(failure.message.contains("authorization was denied"))
        #expect(await fake.requests(to: "/login/oauth/access_token").count == 2)
    }

    @Test func otherDeviceFlowErrorsAreNamed() async throws {
        let fake = try FakeGitHubServer(polls: [.error("incorrect_client_credentials")])
        defer { fake.shutdown() }
        let failure = try await #require(throws: ProviderError.self) { try await run(fake) }
        #expect(failure.kind == .authentication)
        #expect(
            failure.message
                == "GitHub refused the login (incorrect_client_credentials: Scripted incorrect_client_credentials.)")
    }

    @Test func aGitHubHiccupWhilePollingDoesNotEndTheLogin() async throws {
        let hiccup = ScriptedResponse.full(status: 502, headers: [("Content-Type", "text/html")], text: "<h1>502</h1>")
        let fake = try FakeGitHubServer(polls: [.raw(hiccup), .raw(.closeWithoutResponse), .token("gho_after_502")])
        defer { fake.shutdown() }
        #expect(try await run(fake).accessToken == "gho_after_502")
        #expect(clock.sleeps == [5, 5, 5])
    }

    @Test func aRefusedDeviceCodeRequestIsExplained() async throws {
        let body = CopilotFixtures.deviceFlowError(
            "device_flow_disabled", description: "Device Flow must be explicitly enabled for this App")
        let transport = ScriptedTransport([.respond(status: 400, chunks: [body])])
        let login = GitHubDeviceLogin(transport: transport, sleep: clock.sleeper, now: clock.clock)
        let failure = try await #require(throws: ProviderError.self) { try await login.run { _ in } }
        #expect(failure.kind == .authentication)
        #expect(
            failure.message
                == "GitHub refused the device code request (device_flow_disabled: Device Flow must be explicitly enabled for this App)"
        )
        #expect(await transport.requests.first?.url == "https://github.com/login/device/code")
        #expect(clock.sleeps.isEmpty)
    }

    @Test func anAnswerThatIsNotJSONIsMalformed() async throws {
        let transport = ScriptedTransport([.respond(status: 200, chunks: ["<html>captive portal</html>"])])
        let login = GitHubDeviceLogin(transport: transport, sleep: clock.sleeper, now: clock.clock)
        let failure = try await #require(throws: ProviderError.self) { try await login.run { _ in } }
        #expect(failure.kind == .malformedResponse)
        #expect(failure.message.contains("captive portal"))
    }

    @Test func cancellingStopsThePolling() async throws {
        let fake = try FakeGitHubServer(polls: Array(repeating: .pending, count: 50))
        defer { fake.shutdown() }
        let login = GitHubDeviceLogin(
            baseURL: fake.rootURL, transport: CurlTransport(), sleep: { _ in throw CancellationError() },
            now: clock.clock)
        await #expect(throws: CancellationError.self) { try await login.run { _ in } }
        #expect(await fake.requests(to: "/login/oauth/access_token").isEmpty)
    }
}
