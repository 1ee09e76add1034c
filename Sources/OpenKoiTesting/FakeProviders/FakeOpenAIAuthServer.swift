import FoundationEssentials
import OpenKoiCore
import OpenKoiProviders

/// OpenAI's auth server on 127.0.0.1 for the ChatGPT device-code sign-in: the user-code and poll
/// endpoints with scripted poll answers, the code exchange, and refreshes that rotate the refresh token.
/// Every request is recorded (`http.requests`).
///
/// OpenAI does not publish the bodies of its "expired" and "denied" poll answers; the fake sends the
/// RFC 8628 codes (`expired_token`, `access_denied`), which the login reads by their words.
public final class FakeOpenAIAuthServer: Sendable {
    /// One answer to `POST /api/accounts/deviceauth/token`.
    public enum Poll: Sendable {
        /// 403: the code has not been entered yet.
        case pending
        /// 429: poll less often.
        case slowDown
        /// 400 `expired_token`.
        case expired
        /// 400 `access_denied`.
        case denied
        /// 200 with the authorization code and verifier.
        case authorized
    }

    /// How `grant_type=refresh_token` is answered.
    public enum Refresh: Sendable {
        /// New tokens and a new refresh token; the old refresh token stops working.
        case rotate
        /// New access token only; the refresh token stays as it is.
        case keep
        /// 401 `refresh_token_expired`.
        case reject
    }

    public static let deviceAuthID = "deviceauth_test_1"
    public static let userCode = "ABCD-1234"
    public static let authorizationCode = "authcode_test_1"
    public static let codeVerifier = "verifier_test_1"

    public let http: LoopbackHTTPServer
    public let accountID: String
    private let state: LockedValue<State>

    private struct State {
        var polls: [Poll]
        /// Generation of the access token last issued (1 for the sign-in, then one more per refresh).
        var generation = 0
        /// The one refresh token that works now.
        var refreshToken = ""
    }

    /// - Parameters:
    ///   - polls: poll answers in order; once they run out every poll is `.pending`.
    ///   - interval: the `interval` the user-code answer gives, as a string like OpenAI sends it.
    ///   - expiresIn: `expires_in` of issued tokens.
    ///   - refresh: how refreshes are answered.
    ///   - accountID: the ChatGPT account the issued tokens name.
    ///   - signedIn: start as if the sign-in had happened: access token 1 and `refresh-1` are issued
    ///     (`signedInTokens` holds them).
    public init(
        polls: [Poll] = [.authorized], interval: String = "5", expiresIn: Int = 3600, refresh: Refresh = .rotate,
        accountID: String = "acct-test-1", signedIn: Bool = false
    ) throws {
        let state = LockedValue(
            State(polls: polls, generation: signedIn ? 1 : 0, refreshToken: signedIn ? "refresh-1" : ""))
        self.state = state
        self.accountID = accountID
        let tokens = { @Sendable (generation: Int, refreshToken: String?) -> ScriptedResponse in
            var body: [String: JSONValue] = [
                "access_token": .string(Self.accessToken(generation: generation, accountID: accountID)),
                "id_token": .string(Self.jwt(Self.idClaims(accountID: accountID))), "token_type": "Bearer",
                "expires_in": .number(Double(expiresIn)),
            ]
            if let refreshToken { body["refresh_token"] = .string(refreshToken) }
            return .json(JSONValue.object(body).jsonString)
        }
        http = try LoopbackHTTPServer { request in
            switch (request.method, request.path) {
            case ("POST", "/api/accounts/deviceauth/usercode"):
                return .json(
                    JSONValue.object([
                        "device_auth_id": .string(Self.deviceAuthID), "user_code": .string(Self.userCode),
                        "interval": .string(interval),
                    ]).jsonString)
            case ("POST", "/api/accounts/deviceauth/token"):
                let poll = state.withLock { $0.polls.isEmpty ? .pending : $0.polls.removeFirst() }
                return Self.answer(poll)
            case ("POST", "/oauth/token"):
                let form = Self.formFields(request)
                switch form["grant_type"] {
                case "authorization_code"
                where form["code"] == Self.authorizationCode && form["code_verifier"] == Self.codeVerifier:
                    let generation = state.withLock { state in
                        state.generation = 1
                        state.refreshToken = "refresh-1"
                        return 1
                    }
                    return tokens(generation, "refresh-1")
                case "refresh_token":
                    if case .reject = refresh { return Self.refreshExpired }
                    let issued: (generation: Int, refreshToken: String?)? = state.withLock { state in
                        guard !state.refreshToken.isEmpty, form["refresh_token"] == state.refreshToken else {
                            return nil
                        }
                        state.generation += 1
                        guard case .rotate = refresh else { return (state.generation, nil) }
                        state.refreshToken = "refresh-\(state.generation)"
                        return (state.generation, state.refreshToken)
                    }
                    guard let issued else { return Self.refreshReused }
                    return tokens(issued.generation, issued.refreshToken)
                default:
                    return .json(status: 400, #"{"error":"invalid_grant","error_description":"bad code"}"#)
                }
            default:
                return .json(status: 404, #"{"error":{"message":"no such path","type":"not_found"}}"#)
            }
        }
    }

    /// `http://127.0.0.1:<port>`, the login's `authBaseURL`.
    public var baseURL: String { http.baseURL }

    public func shutdown() { http.shutdown() }

    /// The access token issued at `generation` (1 for the sign-in, 2 after the first refresh, …).
    public func accessToken(generation: Int) -> String {
        Self.accessToken(generation: generation, accountID: accountID)
    }

    /// The tokens of a finished sign-in (generation 1), expiring at `expiresAt`, as the store keeps them.
    public func signedInTokens(expiresAt: Int) -> OAuthTokens {
        OAuthTokens(
            accessToken: accessToken(generation: 1), refreshToken: "refresh-1", expiresAt: expiresAt,
            extra: ["account_id": accountID])
    }

    /// Requests to `path`, in arrival order.
    public func requests(to path: String) async -> [RecordedRequest] {
        await http.requests.filter { $0.path == path }
    }

    // MARK: - Shapes

    static func answer(_ poll: Poll) -> ScriptedResponse {
        switch poll {
        case .pending:
            return .json(
                status: 403,
                OpenAIFixtures.error(
                    message: "Device authorization is unknown. Please try again.", type: "invalid_request_error",
                    code: "deviceauth_authorization_unknown"))
        case .slowDown:
            return .json(status: 429, #"{"error":"slow_down","error_description":"Polling too fast"}"#)
        case .expired:
            return .json(status: 400, #"{"error":"expired_token","error_description":"The device code has expired"}"#)
        case .denied:
            return .json(status: 400, #"{"error":"access_denied","error_description":"The user denied the request"}"#)
        case .authorized:
            return .json(
                JSONValue.object([
                    "authorization_code": .string(authorizationCode), "code_challenge": "challenge_test_1",
                    "code_verifier": .string(codeVerifier),
                ]).jsonString)
        }
    }

    static let refreshExpired = ScriptedResponse.json(
        status: 401,
        OpenAIFixtures.error(
            message: "Your refresh token has expired. Please log out and sign in again.",
            type: "invalid_request_error", code: "refresh_token_expired"))

    static let refreshReused = ScriptedResponse.json(
        status: 401,
        OpenAIFixtures.error(
            message: "Your refresh token has already been used to generate a new access token.",
            type: "invalid_request_error", code: "refresh_token_reused"))

    static func idClaims(accountID: String) -> JSONValue {
        [
            "sub": "auth0|user-test-1", "email": "koi@example.com",
            "https://api.openai.com/auth": ["chatgpt_account_id": .string(accountID), "chatgpt_plan_type": "plus"],
        ]
    }

    static func accessToken(generation: Int, accountID: String) -> String {
        jwt([
            "sub": "auth0|user-test-1", "generation": .number(Double(generation)),
            "https://api.openai.com/auth": ["chatgpt_account_id": .string(accountID)],
        ])
    }

    /// An unsigned-looking JWT carrying `claims` (base64url, no padding), as the login reads them.
    public static func jwt(_ claims: JSONValue) -> String {
        let header: JSONValue = ["alg": "RS256", "typ": "JWT"]
        return [header.jsonString, claims.jsonString].map { base64URL(Data($0.utf8)) }.joined(separator: ".")
            + ".c2lnbmF0dXJl"
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacing("+", with: "-").replacing("/", with: "_").replacing("=", with: "")
    }

    /// An `application/x-www-form-urlencoded` body's fields, decoded.
    public static func formFields(_ request: RecordedRequest) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in request.bodyText.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            fields[percentDecoded(parts[0])] = parts.count > 1 ? percentDecoded(parts[1]) : ""
        }
        return fields
    }

    static func percentDecoded(_ text: String) -> String {
        var bytes: [UInt8] = []
        var input = Array(text.replacing("+", with: " ").utf8)[...]
        while let byte = input.popFirst() {
            if byte == UInt8(ascii: "%"), input.count >= 2,
                let value = UInt8(String(decoding: input.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                input = input.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
