import FoundationEssentials
import OpenKoiCore

/// Signs in to a ChatGPT Plus/Pro plan with OpenAI's device-code flow (the one Codex uses), and renews
/// the tokens it yields (reference §3.9).
///
/// The user opens `<auth>/codex/device` and types a one-time code; meanwhile the code is polled until
/// the server hands out an authorization code, which is exchanged for tokens at `/oauth/token`.
public struct OpenAIDeviceLogin: Sendable {
    public static let clientID = "app_EMoamEEZ73f0CkXaXp7hrann"
    public static let defaultAuthBaseURL = "https://auth.openai.com"
    /// How long a code is polled for when the server does not say; Codex codes live 15 minutes.
    public static let defaultDeadline: Double = 15 * 60
    /// The poll interval when the server does not say.
    public static let defaultInterval: Double = 5

    /// A one-time code to show the user.
    public struct DeviceCode: Sendable, Hashable {
        /// The page where the code is entered.
        public var verificationURL: String
        public var userCode: String
        var deviceAuthID: String
        /// Seconds between polls, as the server asked.
        var interval: Double
        /// Seconds the code lives, when the server said.
        var expiresIn: Double?
    }

    public let authBaseURL: String
    private let transport: any HTTPTransport
    private let sleep: RetryingProvider.Sleeper
    /// Also the clock `ChatGPTProvider` judges token expiry by, so both agree.
    let now: @Sendable () -> Double
    private let deadline: Double

    /// Errors name the provider that signs in with this flow.
    static let provider = "chatgpt"

    /// - Parameters:
    ///   - authBaseURL: OpenAI's auth server; tests point it at a loopback fake.
    ///   - transport: the HTTP client.
    ///   - sleep: waits between polls; tests inject one that records the wait and returns at once.
    ///   - now: the time in Unix seconds, for the deadline and for when tokens expire.
    ///   - deadline: seconds to keep polling one code.
    public init(
        authBaseURL: String = OpenAIDeviceLogin.defaultAuthBaseURL, transport: any HTTPTransport,
        sleep: @escaping RetryingProvider.Sleeper = { seconds in try await Task.sleep(for: .seconds(seconds)) },
        now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
        deadline: Double = OpenAIDeviceLogin.defaultDeadline
    ) {
        self.authBaseURL = authBaseURL
        self.transport = transport
        self.sleep = sleep
        self.now = now
        self.deadline = deadline
    }

    /// The whole sign-in: gets a code, hands it to `show` (print it, open the browser), waits until the
    /// user has entered it, and returns the tokens to store.
    public func login(show: @Sendable (DeviceCode) async -> Void) async throws -> OAuthTokens {
        let code = try await requestCode()
        await show(code)
        return try await waitForTokens(code)
    }

    /// `POST /api/accounts/deviceauth/usercode`.
    public func requestCode() async throws -> DeviceCode {
        let answer = try await post(
            "/api/accounts/deviceauth/usercode", json: ["client_id": .string(Self.clientID)])
        guard answer.status == 200 else {
            let hint = answer.status == 404 ? " (device-code sign-in is not enabled for this account or server)" : ""
            throw failure(answer, doing: "requesting a sign-in code\(hint)")
        }
        guard let id = answer.json?["device_auth_id"]?.stringValue,
            let userCode = answer.json?["user_code"]?.stringValue ?? answer.json?["usercode"]?.stringValue
        else {
            throw OpenAILoginError(
                .failed, "ChatGPT sign-in: the code request answered without device_auth_id or user_code",
                status: 200)
        }
        return DeviceCode(
            verificationURL: endpoint(authBaseURL, "/codex/device"), userCode: userCode, deviceAuthID: id,
            interval: Self.seconds(answer.json?["interval"]).map { max(1, $0) } ?? Self.defaultInterval,
            expiresIn: Self.seconds(answer.json?["expires_in"]))
    }

    /// Polls `POST /api/accounts/deviceauth/token` until the user has entered `code`, then exchanges the
    /// authorization code for tokens.
    public func waitForTokens(_ code: DeviceCode) async throws -> OAuthTokens {
        let limit = min(deadline, code.expiresIn ?? deadline)
        let end = now() + limit
        var interval = code.interval
        while true {
            let remaining = end - now()
            guard remaining > 0 else {
                let span = limit >= 60 ? "\(NumberText.plain(limit / 60)) minutes" : "\(NumberText.plain(limit)) s"
                throw OpenAILoginError.codeExpired("not entered within \(span)")
            }
            try await sleep(min(interval, remaining))
            let answer = try await post(
                "/api/accounts/deviceauth/token",
                json: ["device_auth_id": .string(code.deviceAuthID), "user_code": .string(code.userCode)])
            switch answer.status {
            case 200:
                return try await exchange(answer)
            case 403, 404:
                // "Not entered yet" — unless the body says the code is over.
                if let ending = pollEnding(answer) { throw ending }
            case 429:
                // Slow down: the longer interval holds for the rest of the wait (RFC 8628 §3.5).
                interval += 5
            default:
                throw pollEnding(answer) ?? failure(answer, doing: "waiting for the code to be entered")
            }
        }
    }

    /// Renews `tokens` with `POST /oauth/token` `grant_type=refresh_token`. The server may rotate the
    /// refresh token; the new one is kept, or the old one when none came back.
    public func refresh(_ tokens: OAuthTokens) async throws -> OAuthTokens {
        let answer = try await post(
            "/oauth/token",
            form: [
                ("grant_type", "refresh_token"), ("client_id", Self.clientID), ("refresh_token", tokens.refreshToken),
            ], secret: tokens.refreshToken)
        let code = Self.errorCode(answer.json)
        if [401, 403].contains(answer.status) || (answer.status == 400 && code == "invalid_grant") {
            throw OpenAILoginError(
                .reauthenticationRequired,
                "ChatGPT refused to renew the sign-in (HTTP \(answer.status)\(code.map { " \($0)" } ?? "")); "
                    + "re-authenticate with `openkoi connect chatgpt`.", status: answer.status)
        }
        guard answer.status == 200 else { throw failure(answer, doing: "renewing the sign-in") }
        return try issuedTokens(answer, previous: tokens)
    }

    // MARK: - Steps

    /// `POST /oauth/token` `grant_type=authorization_code` with the code and verifier the poll returned.
    private func exchange(_ authorized: Answer) async throws -> OAuthTokens {
        guard let code = authorized.json?["authorization_code"]?.stringValue,
            let verifier = authorized.json?["code_verifier"]?.stringValue
        else {
            throw OpenAILoginError(
                .failed, "ChatGPT sign-in: the authorization answered without authorization_code or code_verifier",
                status: 200)
        }
        let answer = try await post(
            "/oauth/token",
            form: [
                ("grant_type", "authorization_code"), ("code", code),
                ("redirect_uri", endpoint(authBaseURL, "/deviceauth/callback")), ("client_id", Self.clientID),
                ("code_verifier", verifier),
            ], secret: verifier)
        guard answer.status == 200 else { throw failure(answer, doing: "exchanging the authorization code") }
        return try issuedTokens(answer, previous: nil)
    }

    private func issuedTokens(_ answer: Answer, previous: OAuthTokens?) throws -> OAuthTokens {
        guard let access = answer.json?["access_token"]?.stringValue, !access.isEmpty,
            let refresh = answer.json?["refresh_token"]?.stringValue ?? previous?.refreshToken
        else {
            throw OpenAILoginError(.failed, "ChatGPT sign-in: the token answer has no access_token or refresh_token")
        }
        let lifetime = Self.seconds(answer.json?["expires_in"]) ?? 3600
        var extra = previous?.extra ?? [:]
        if let account = Self.accountID(idToken: answer.json?["id_token"]?.stringValue, accessToken: access) {
            extra["account_id"] = account
        }
        return OAuthTokens(
            accessToken: access, refreshToken: refresh, expiresAt: Int(now() + lifetime), extra: extra)
    }

    /// The ChatGPT account the tokens belong to, sent as `ChatGPT-Account-Id`: the claim
    /// `https://api.openai.com/auth`.`chatgpt_account_id`, else its `user_id`, else `sub`; each looked
    /// for in the id token first, then the access token (both are JWTs).
    public static func accountID(idToken: String?, accessToken: String) -> String? {
        let claims = [idToken.flatMap(JWTClaims.payload), JWTClaims.payload(accessToken)].compactMap { $0 }
        let lookups: [(JSONValue) -> JSONValue?] = [
            { $0["https://api.openai.com/auth"]?["chatgpt_account_id"] },
            { $0["https://api.openai.com/auth"]?["user_id"] }, { $0["sub"] },
        ]
        for lookup in lookups {
            for payload in claims {
                if let id = lookup(payload)?.stringValue, !id.isEmpty { return id }
            }
        }
        return nil
    }

    // MARK: - HTTP

    private struct Answer {
        var status: Int
        var json: JSONValue?
        var text: String
    }

    private func post(_ path: String, json: JSONValue) async throws -> Answer {
        try await post(path, body: jsonBody(json), contentType: "application/json", secret: nil)
    }

    private func post(_ path: String, form: [(name: String, value: String)], secret: String) async throws -> Answer {
        try await post(
            path, body: FormBody.encode(form), contentType: FormBody.contentType, secret: secret)
    }

    private func post(_ path: String, body: Data, contentType: String, secret: String?) async throws -> Answer {
        let request = HTTPRequest(
            method: "POST", url: endpoint(authBaseURL, path),
            headers: [("Content-Type", contentType), ("Accept", "application/json"), ("User-Agent", "openkoi")],
            body: body, timeout: 30)
        do {
            let response = try await transport.send(request)
            let data = try await response.collectBody(limit: 1 << 20)
            let text = redacting(String(decoding: data.prefix(2000), as: UTF8.self), secret: secret)
            return Answer(status: response.head.status, json: JSONValue.parse(data), text: text)
        } catch {
            throw ProviderError.normalize(error, provider: Self.provider, secret: secret)
        }
    }

    // MARK: - Reading answers

    /// The end of the wait a poll answer announces: the code expired, or the user said no.
    private func pollEnding(_ answer: Answer) -> OpenAILoginError? {
        let code = Self.errorCode(answer.json) ?? ""
        if answer.status == 410 || code.contains("expired") {
            return .codeExpired("the server says \(code.isEmpty ? "HTTP \(answer.status)" : code)")
        }
        if ["denied", "declined", "rejected"].contains(where: code.contains) {
            return OpenAILoginError(
                .denied, "The ChatGPT sign-in was declined (\(code)); \(OpenAILoginError.connectHint) to retry.",
                status: answer.status)
        }
        return nil
    }

    private func failure(_ answer: Answer, doing step: String) -> OpenAILoginError {
        let message =
            answer.json?["error_description"]?.stringValue ?? answer.json?["error"]?["message"]?.stringValue
            ?? answer.text.trimmed
        let code = Self.errorCode(answer.json).map { " \($0)" } ?? ""
        return OpenAILoginError(
            .failed,
            "ChatGPT sign-in failed \(step): \(authBaseURL) answered HTTP \(answer.status)\(code): "
                + (message.isEmpty ? "(empty body)" : message), status: answer.status)
    }

    /// `{"error":"code"}` (OAuth, RFC 6749 §5.2) or `{"error":{"code":…}}` (OpenAI's API shape).
    private static func errorCode(_ json: JSONValue?) -> String? {
        json?["error"]?.stringValue ?? json?["error"]?["code"]?.stringValue ?? json?["error"]?["type"]?.stringValue
    }

    /// A number of seconds sent as a number or as digits in a string (`"interval": "5"`).
    private static func seconds(_ value: JSONValue?) -> Double? {
        guard let value else { return nil }
        let seconds = value.doubleValue ?? value.stringValue.flatMap { Double($0.trimmed) }
        return seconds.flatMap { $0.isFinite && $0 >= 0 ? $0 : nil }
    }
}
