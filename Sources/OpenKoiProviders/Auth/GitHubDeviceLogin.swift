import FoundationEssentials
import OpenKoiCore

/// Signs in to GitHub with the OAuth device flow (RFC 8628) as the Copilot editor app: the user approves
/// a short code on github.com in any browser, so no client secret or redirect listener is needed.
///
/// The result is the long-lived GitHub token; `CopilotSessionTokens` trades it for short-lived API tokens.
public struct GitHubDeviceLogin: Sendable {
    /// The public client id of GitHub's Copilot editor integration; Copilot's token exchange accepts
    /// tokens issued to it.
    public static let copilotClientID = "Iv1.b507a08c87ecfe98"
    public static let defaultBaseURL = "https://github.com"
    static let grantType = "urn:ietf:params:oauth:grant-type:device_code"
    /// GitHub's device codes last 15 minutes; used when the answer omits `expires_in`.
    static let defaultExpiry = 900
    /// RFC 8628's default polling interval, in seconds.
    static let defaultInterval = 5
    /// What `slow_down` adds to the interval (RFC 8628 §3.5).
    static let slowDownStep = 5
    /// The provider the login is for, as named in errors and `auth.json`.
    static let provider = "copilot"

    /// What the user has to do: open `verificationURI` and enter `userCode`.
    public struct Prompt: Sendable, Hashable {
        public var userCode: String
        public var verificationURI: String
        /// Seconds until the code stops working.
        public var expiresIn: Int

        public init(userCode: String, verificationURI: String, expiresIn: Int) {
            self.userCode = userCode
            self.verificationURI = verificationURI
            self.expiresIn = expiresIn
        }
    }

    /// GitHub's answer to the device-code request.
    struct DeviceCode: Sendable {
        var deviceCode: String
        var prompt: Prompt
        var interval: Int
    }

    public let baseURL: String
    public let clientID: String
    public let scope: String
    private let transport: any HTTPTransport
    private let sleep: RetryingProvider.Sleeper
    private let now: UnixClock

    /// - Parameters:
    ///   - baseURL: GitHub's web host; `/login/device/code` and `/login/oauth/access_token` are appended.
    ///   - clientID: the OAuth app; Copilot's by default.
    ///   - scope: requested scopes. GitHub Apps ignore them; `read:user` is what Copilot's editors ask for.
    ///   - transport: the HTTP client.
    ///   - sleep: waits between polls; tests inject one that records and returns at once.
    ///   - now: the clock the code's expiry is measured on.
    public init(
        baseURL: String = GitHubDeviceLogin.defaultBaseURL, clientID: String = GitHubDeviceLogin.copilotClientID,
        scope: String = "read:user", transport: any HTTPTransport,
        sleep: @escaping RetryingProvider.Sleeper = { seconds in try await Task.sleep(for: .seconds(seconds)) },
        now: @escaping UnixClock = UnixTime.system
    ) {
        self.baseURL = baseURL
        self.clientID = clientID
        self.scope = scope
        self.transport = transport
        self.sleep = sleep
        self.now = now
    }

    /// Runs the whole flow: asks for a code, hands it to `prompt` (which shows it and may open a browser),
    /// then polls until the user approves, declines or the code expires.
    /// - Returns: the GitHub token as `auth.json` keeps it — access and refresh token alike, never expiring.
    /// - Throws: `ProviderError` (`.authentication` when the user declined or the code expired).
    public func run(prompt: (Prompt) async -> Void) async throws -> OAuthTokens {
        let code = try await requestCode()
        await prompt(code.prompt)
        let token = try await pollForToken(code)
        return OAuthTokens(accessToken: token, refreshToken: token, expiresAt: 0)
    }

    func requestCode() async throws -> DeviceCode {
        let json = try await postForm(
            "/login/device/code", [("client_id", clientID), ("scope", scope)], step: "the device code request")
        if let error = json["error"]?.stringValue {
            throw refusal(error, json, step: "the device code request")
        }
        guard let deviceCode = json["device_code"]?.stringValue, !deviceCode.isEmpty,
            let userCode = json["user_code"]?.stringValue, !userCode.isEmpty
        else {
            throw ProviderError.malformed(
                Self.provider, "GitHub's device code answer has no device_code or user_code")
        }
        let prompt = Prompt(
            userCode: userCode,
            verificationURI: json["verification_uri"]?.stringValue ?? endpoint(baseURL, "/login/device"),
            expiresIn: positive(json["expires_in"]) ?? Self.defaultExpiry)
        return DeviceCode(
            deviceCode: deviceCode, prompt: prompt, interval: positive(json["interval"]) ?? Self.defaultInterval)
    }

    /// Polls the token endpoint at GitHub's pace until it answers with a token or a final error.
    func pollForToken(_ code: DeviceCode) async throws -> String {
        let deadline = now() + code.prompt.expiresIn
        var interval = code.interval
        let fields = [("client_id", clientID), ("device_code", code.deviceCode), ("grant_type", Self.grantType)]
        while true {
            try await sleep(Double(interval))
            guard now() < deadline else { throw Self.expired }
            let json: JSONValue
            do {
                json = try await postForm("/login/oauth/access_token", fields, step: "polling for the login")
            } catch let failure as ProviderError where failure.isRetriable {
                // A dropped connection or a GitHub hiccup should not throw away a code the user may be typing.
                continue
            }
            if let token = json["access_token"]?.stringValue, !token.isEmpty {
                return token
            }
            switch json["error"]?.stringValue {
            case "authorization_pending":
                continue
            case "slow_down":
                // GitHub sends the interval it now wants; RFC 8628 requires at least 5 s more either way.
                interval = max(positive(json["interval"]) ?? 0, interval + Self.slowDownStep)
            case "expired_token":
                throw Self.expired
            case "access_denied":
                throw ProviderError(
                    .authentication, provider: Self.provider,
                    message: "authorization was denied on GitHub; run openkoi connect copilot to try again")
            case let error?:
                throw refusal(error, json, step: "the login")
            case nil:
                throw ProviderError.malformed(
                    Self.provider, "GitHub's token answer has neither access_token nor error")
            }
        }
    }

    static let expired = ProviderError(
        .authentication, provider: provider, message: "the code expired; run openkoi connect copilot again")

    /// Sends a form and reads the JSON answer. GitHub reports the flow's states as 200s with an `error`
    /// field, so any JSON object is returned; other answers become classified errors.
    private func postForm(
        _ path: String, _ fields: [(name: String, value: String)], step: String
    ) async throws -> JSONValue {
        let request = HTTPRequest(
            method: "POST", url: endpoint(baseURL, path),
            headers: [
                ("Accept", "application/json"), ("Content-Type", FormBody.contentType), ("User-Agent", "openkoi"),
            ],
            body: FormBody.encode(fields), timeout: 30)
        do {
            let response = try await transport.send(request)
            let body = try await response.collectBody(limit: 64 << 10)
            if let json = JSONValue.parse(body), json.objectValue != nil,
                (200..<300).contains(response.head.status) || json["error"] != nil
            {
                return json
            }
            if (200..<300).contains(response.head.status) {
                throw ProviderError.malformed(
                    Self.provider, "GitHub's answer to \(step) is not JSON: \(StreamedBody.preview(body))")
            }
            var failure = ProviderError.fromHTTP(
                status: response.head.status, headers: response.head.headers, body: body, provider: Self.provider,
                secret: nil)
            failure.message = "GitHub failed \(step): \(failure.message)"
            throw failure
        } catch {
            throw ProviderError.normalize(error, provider: Self.provider, secret: nil)
        }
    }

    /// An `error` GitHub gave that ends the flow, with its description (e.g. `device_flow_disabled`).
    private func refusal(_ error: String, _ json: JSONValue, step: String) -> ProviderError {
        let detail = json["error_description"]?.stringValue.map { ": \($0)" } ?? ""
        return ProviderError(
            .authentication, provider: Self.provider, message: "GitHub refused \(step) (\(error)\(detail))")
    }

    private func positive(_ value: JSONValue?) -> Int? {
        guard let number = value?.intValue, number > 0 else { return nil }
        return number
    }
}
