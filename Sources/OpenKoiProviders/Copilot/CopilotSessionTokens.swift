import FoundationEssentials
import OpenKoiCore

/// A short-lived Copilot API token and the API host it is for.
public struct CopilotSession: Sendable, Hashable, CustomStringConvertible {
    let token: APIKey
    /// Unix seconds.
    public let expiresAt: Int
    /// Where chat and model calls go: the exchange's `endpoints.api` (it differs for business and
    /// enterprise plans), else `https://api.githubcopilot.com`.
    public let apiBase: String

    /// Tokens never print.
    public var description: String { "CopilotSession([redacted], expiresAt: \(expiresAt), \(apiBase))" }
}

/// Trades the long-lived GitHub token for Copilot session tokens (`GET /copilot_internal/v2/token`) and
/// caches the current one, so a task makes one exchange per half hour, not one per call.
///
/// Callers that arrive while an exchange is running wait for it instead of starting their own.
public actor CopilotSessionTokens {
    public static let defaultBaseURL = "https://api.github.com"
    public static let defaultAPIBase = "https://api.githubcopilot.com"
    /// Renewed this long before it expires, so a token does not lapse in the middle of a request.
    static let renewalMargin = 60
    /// Lifetime assumed when the answer has no `expires_at` (Copilot's tokens last about 30 minutes).
    static let assumedLifetime = 25 * 60
    static let provider = "copilot"
    static let advice = "run openkoi connect copilot"

    private let githubToken: APIKey?
    private let baseURL: String
    private let transport: any HTTPTransport
    private let now: UnixClock
    private var cached: CopilotSession?
    private var exchanging: Task<CopilotSession, any Error>?

    /// - Parameters:
    ///   - githubToken: the token from `GitHubDeviceLogin` (kept in `auth.json`).
    ///   - baseURL: GitHub's API host; `/copilot_internal/v2/token` is appended.
    ///   - transport: the HTTP client.
    ///   - now: the clock expiry is judged by.
    public init(
        githubToken: String, baseURL: String = CopilotSessionTokens.defaultBaseURL, transport: any HTTPTransport,
        now: @escaping UnixClock = UnixTime.system
    ) {
        self.githubToken = APIKey(githubToken)
        self.baseURL = baseURL
        self.transport = transport
        self.now = now
    }

    /// A session token good for at least another minute, exchanging the GitHub token when needed.
    public func current() async throws -> CopilotSession {
        if let cached, isFresh(cached) { return cached }
        return try await exchangeOnce()
    }

    /// A new session after the API rejected `rejected` (revoked or expired early), unless another caller
    /// already replaced it.
    public func renew(after rejected: CopilotSession) async throws -> CopilotSession {
        if let cached, cached != rejected, isFresh(cached) { return cached }
        cached = nil
        return try await exchangeOnce()
    }

    private func isFresh(_ session: CopilotSession) -> Bool {
        now() < session.expiresAt - Self.renewalMargin
    }

    private func exchangeOnce() async throws -> CopilotSession {
        if let exchanging { return try await exchanging.value }
        // Unstructured on purpose: a caller that is cancelled must not fail the exchange the others wait for.
        let task = Task { [githubToken, baseURL, transport, now] in
            try await Self.exchange(githubToken, baseURL: baseURL, transport: transport, now: now())
        }
        exchanging = task
        defer { exchanging = nil }
        let session = try await task.value
        cached = session
        return session
    }

    static func exchange(
        _ githubToken: APIKey?, baseURL: String, transport: any HTTPTransport, now: Int
    ) async throws -> CopilotSession {
        guard let githubToken else {
            throw ProviderError(.authentication, provider: provider, message: "no GitHub login; \(advice)")
        }
        let secret = githubToken.value
        let request = HTTPRequest(
            url: endpoint(baseURL, "/copilot_internal/v2/token"),
            headers: [
                ("Authorization", "token \(secret)"), ("Accept", "application/json"), ("User-Agent", "openkoi"),
            ] + CopilotHeaders.editor,
            timeout: 10, connectTimeout: 10)
        do {
            let response = try await transport.send(request)
            let body = try await response.collectBody(limit: 1 << 20)
            let status = response.head.status
            guard (200..<300).contains(status) else {
                throw rejection(status: status, headers: response.head.headers, body: body, secret: secret)
            }
            guard let json = JSONValue.parse(body), let token = APIKey(json["token"]?.stringValue) else {
                throw ProviderError.malformed(
                    provider, "the Copilot token exchange answered without a token: \(StreamedBody.preview(body))")
            }
            let apiBase = json["endpoints"]?["api"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            return CopilotSession(
                token: token, expiresAt: json["expires_at"]?.intValue ?? now + assumedLifetime,
                apiBase: apiBase ?? defaultAPIBase)
        } catch {
            throw ProviderError.normalize(error, provider: provider, secret: secret)
        }
    }

    /// 401 (token revoked), 403 (no Copilot seat) and 404 (GitHub's answer to accounts without Copilot
    /// access) all have the same remedy: log in again with an account that has Copilot.
    private static func rejection(
        status: Int, headers: [String: String], body: Data, secret: String
    ) -> ProviderError {
        var failure = ProviderError.fromHTTP(
            status: status, headers: headers, body: body, provider: provider, secret: secret)
        if [401, 403, 404].contains(status) {
            return ProviderError(
                .authentication, provider: provider,
                message: "GitHub token rejected or no Copilot subscription (\(failure.message)); \(advice)")
        }
        failure.message = "the Copilot token exchange failed: \(failure.message)"
        return failure
    }
}
