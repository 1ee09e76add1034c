import FoundationEssentials
import OpenKoiCore
import OpenKoiTesting
import Testing

@testable import OpenKoiProviders

/// Time that moves only when the code under test sleeps, so poll intervals and deadlines are checked
/// without waiting.
final class ManualClock: Sendable {
    private let state: LockedValue<(now: Double, sleeps: [Double])>

    init(start: Double = 1_000_000) { state = LockedValue((start, [])) }

    var now: Double { state.value.now }
    /// Every wait asked for, in order.
    var sleeps: [Double] { state.value.sleeps }

    func sleep(_ seconds: Double) {
        state.withLock { state in
            state.now += seconds
            state.sleeps.append(seconds)
        }
    }

    func login(_ fake: FakeOpenAIAuthServer, deadline: Double = OpenAIDeviceLogin.defaultDeadline) -> OpenAIDeviceLogin
    {
        OpenAIDeviceLogin(
            authBaseURL: fake.baseURL, transport: CurlTransport(), sleep: { self.sleep($0) }, now: { self.now },
            deadline: deadline)
    }
}

struct OpenAIDeviceLoginTests {
    let clientID = "app_EMoamEEZ73f0CkXaXp7hrann"

    @Test func pendingThenSlowDownThenSuccess() async throws {
        let fake = try FakeOpenAIAuthServer(polls: [.pending, .slowDown, .authorized])
        defer { fake.shutdown() }
        let clock = ManualClock()
        let shown = LockedValue<[OpenAIDeviceLogin.DeviceCode]>([])
        let tokens = try await clock.login(fake).login { code in shown.withLock { $0.append(code) } }

        #expect(shown.value.map(\.verificationURL) == ["\(fake.baseURL)/codex/device"])
        #expect(shown.value.map(\.userCode) == [FakeOpenAIAuthServer.userCode])
        // Polled every 5 s as told; after the 429 every 10 s.
        #expect(clock.sleeps == [5, 5, 10])
        #expect(tokens.accessToken == fake.accessToken(generation: 1))
        #expect(tokens.refreshToken == "refresh-1")
        #expect(tokens.expiresAt == 1_000_000 + 20 + 3600)
        #expect(tokens.extra == ["account_id": "acct-test-1"])

        let requests = await fake.http.requests
        #expect(
            requests.map { "\($0.method) \($0.path)" } == [
                "POST /api/accounts/deviceauth/usercode", "POST /api/accounts/deviceauth/token",
                "POST /api/accounts/deviceauth/token", "POST /api/accounts/deviceauth/token", "POST /oauth/token",
            ])
        #expect(JSONValue.parse(requests[0].body) == ["client_id": .string(clientID)])
        #expect(requests[0].header("content-type") == "application/json")
        for poll in requests[1...3] {
            #expect(
                JSONValue.parse(poll.body) == [
                    "device_auth_id": .string(FakeOpenAIAuthServer.deviceAuthID),
                    "user_code": .string(FakeOpenAIAuthServer.userCode),
                ])
        }
        #expect(requests[4].header("content-type") == "application/x-www-form-urlencoded")
        #expect(
            FakeOpenAIAuthServer.formFields(requests[4]) == [
                "grant_type": "authorization_code", "code": FakeOpenAIAuthServer.authorizationCode,
                "redirect_uri": "\(fake.baseURL)/deviceauth/callback", "client_id": clientID,
                "code_verifier": FakeOpenAIAuthServer.codeVerifier,
            ])
    }

    @Test func theIntervalComesFromTheServerAsText() async throws {
        let fake = try FakeOpenAIAuthServer(polls: [.pending, .authorized], interval: "7")
        defer { fake.shutdown() }
        let clock = ManualClock()
        _ = try await clock.login(fake).login { _ in }
        #expect(clock.sleeps == [7, 7])
    }

    @Test func anExpiredCodeSaysToConnectAgain() async throws {
        let fake = try FakeOpenAIAuthServer(polls: [.pending, .expired])
        defer { fake.shutdown() }
        let error = await #expect(throws: OpenAILoginError.self) { try await ManualClock().login(fake).login { _ in } }
        #expect(error?.kind == .codeExpired)
        #expect(
            error?.message
                == "The ChatGPT sign-in code expired (the server says expired_token); run `openkoi connect chatgpt` again for a new code."
        )
        #expect(await fake.requests(to: "/oauth/token").isEmpty)
    }

    @Test func theDeadlineEndsTheWait() async throws {
        let fake = try FakeOpenAIAuthServer(polls: [])  // pending for ever
        defer { fake.shutdown() }
        let clock = ManualClock()
        let error = await #expect(throws: OpenAILoginError.self) {
            try await clock.login(fake, deadline: 120).login { _ in }
        }
        #expect(error?.kind == .codeExpired)
        #expect(error?.message.contains("not entered within 2 minutes") == true)
        #expect(error?.message.contains("openkoi connect chatgpt") == true)
        #expect(clock.sleeps == Array(repeating: 5, count: 24))
        #expect(await fake.requests(to: "/api/accounts/deviceauth/token").count == 24)
        #expect(OpenAIDeviceLogin.defaultDeadline == 15 * 60)
    }

    @Test func aDeclinedSignInIsDenied() async throws {
        let fake = try FakeOpenAIAuthServer(polls: [.denied])
        defer { fake.shutdown() }
        let error = await #expect(throws: OpenAILoginError.self) { try await ManualClock().login(fake).login { _ in } }
        #expect(error?.kind == .denied)
        #expect(error?.message.contains("declined (access_denied)") == true)
    }

    @Test func refreshRotatesTheRefreshToken() async throws {
        let fake = try FakeOpenAIAuthServer(signedIn: true)
        defer { fake.shutdown() }
        let clock = ManualClock()
        let login = clock.login(fake)
        let old = fake.signedInTokens(expiresAt: 0)
        let fresh = try await login.refresh(old)
        #expect(
            fresh
                == OAuthTokens(
                    accessToken: fake.accessToken(generation: 2), refreshToken: "refresh-2", expiresAt: 1_003_600,
                    extra: ["account_id": "acct-test-1"]))
        let sent = try #require(await fake.requests(to: "/oauth/token").first)
        #expect(sent.header("content-type") == "application/x-www-form-urlencoded")
        #expect(
            FakeOpenAIAuthServer.formFields(sent) == [
                "grant_type": "refresh_token", "client_id": clientID, "refresh_token": "refresh-1",
            ])
        // The spent refresh token is refused; only a new sign-in helps.
        let error = await #expect(throws: OpenAILoginError.self) { try await login.refresh(old) }
        #expect(error?.kind == .reauthenticationRequired)
        #expect(error?.status == 401)
        #expect(error?.message.contains("re-authenticate with `openkoi connect chatgpt`") == true)
        #expect(error?.message.contains("refresh_token_reused") == true)
    }

    @Test func refreshWithoutANewRefreshTokenKeepsTheOldOne() async throws {
        let fake = try FakeOpenAIAuthServer(refresh: .keep, signedIn: true)
        defer { fake.shutdown() }
        let fresh = try await ManualClock().login(fake).refresh(fake.signedInTokens(expiresAt: 0))
        #expect(fresh.accessToken == fake.accessToken(generation: 2))
        #expect(fresh.refreshToken == "refresh-1")
    }

    @Test func aRejectedRefreshAsksForANewSignIn() async throws {
        let fake = try FakeOpenAIAuthServer(refresh: .reject, signedIn: true)
        defer { fake.shutdown() }
        let error = await #expect(throws: OpenAILoginError.self) {
            try await ManualClock().login(fake).refresh(fake.signedInTokens(expiresAt: 0))
        }
        #expect(error?.kind == .reauthenticationRequired)
        #expect(
            error?.message
                == "ChatGPT refused to renew the sign-in (HTTP 401 refresh_token_expired); re-authenticate with `openkoi connect chatgpt`."
        )
    }

    @Test func accountIDClaimsAreReadInOrder() {
        let jwt = FakeOpenAIAuthServer.jwt
        let auth = "https://api.openai.com/auth"
        let account = jwt(["sub": "user-sub", auth: ["chatgpt_account_id": "acct-1", "user_id": "user-1"]])
        let userOnly = jwt(["sub": "user-sub", auth: ["user_id": "user-1"]])
        let subOnly = jwt(["sub": "user-sub"])
        #expect(OpenAIDeviceLogin.accountID(idToken: account, accessToken: "opaque") == "acct-1")
        #expect(OpenAIDeviceLogin.accountID(idToken: userOnly, accessToken: "opaque") == "user-1")
        #expect(OpenAIDeviceLogin.accountID(idToken: subOnly, accessToken: "opaque") == "user-sub")
        // The account id in the access token beats a mere user id in the id token.
        #expect(OpenAIDeviceLogin.accountID(idToken: userOnly, accessToken: account) == "acct-1")
        #expect(OpenAIDeviceLogin.accountID(idToken: nil, accessToken: subOnly) == "user-sub")
        #expect(OpenAIDeviceLogin.accountID(idToken: "not.a-jwt", accessToken: "x.!!!.y") == nil)
    }

    @Test func jwtPayloadsDecodeBase64URLWithoutPadding() {
        // `?>` and `~~` encode to `/` and `+` in plain base64; lengths 1–3 mod 3 need 0–2 padding characters.
        for text in ["?>?>", "~~~", "a", "ab", "abc"] {
            let claims: JSONValue = ["sub": .string(text)]
            #expect(JWTClaims.payload(FakeOpenAIAuthServer.jwt(claims)) == claims)
        }
        #expect(JWTClaims.payload("only.two") == nil)
    }

    @Test func formBodiesEscapeEverythingButUnreservedCharacters() {
        let body = FormBody.encode([
            ("redirect_uri", "https://auth.openai.com/deviceauth/callback"), ("a b", "x+y=z&é~"),
        ])
        #expect(
            String(decoding: body, as: UTF8.self)
                == "redirect_uri=https%3A%2F%2Fauth.openai.com%2Fdeviceauth%2Fcallback&a%20b=x%2By%3Dz%26%C3%A9~")
    }
}
