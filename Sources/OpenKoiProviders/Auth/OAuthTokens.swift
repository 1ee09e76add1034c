import OpenKoiCore

/// One login's tokens as `auth.json` keeps them (reference §3.9): `expires_at` in Unix seconds,
/// 0 meaning the token never expires; `extra` holds per-provider values such as ChatGPT's `account_id`.
public struct OAuthTokens: Sendable, Hashable, CustomStringConvertible {
    public var accessToken: String
    public var refreshToken: String
    public var expiresAt: Int
    public var extra: [String: String]

    public init(accessToken: String, refreshToken: String, expiresAt: Int = 0, extra: [String: String] = [:]) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresAt = expiresAt
        self.extra = extra
    }

    /// Expired a minute early, so a token is not sent in the last seconds of its life.
    public func isExpired(now: Int) -> Bool { expiresAt != 0 && now >= expiresAt - 60 }

    /// Tokens never print.
    public var description: String { "OAuthTokens([redacted], expiresAt: \(expiresAt))" }
}

/// Where logins are kept between runs; the CLI's store is `auth.json` (0600, written atomically).
/// Providers that refresh a token save the new one here, so the next run does not refresh again.
public protocol OAuthTokenStore: Sendable {
    func tokens(for provider: String) -> OAuthTokens?
    func save(_ tokens: OAuthTokens, for provider: String) throws
}

/// A store that lives as long as the process: tests, and runs where nothing may be written.
public final class InMemoryTokenStore: OAuthTokenStore {
    private let entries: LockedValue<[String: OAuthTokens]>

    public init(_ entries: [String: OAuthTokens] = [:]) { self.entries = LockedValue(entries) }

    public func tokens(for provider: String) -> OAuthTokens? { entries.withLock { $0[provider] } }
    public func save(_ tokens: OAuthTokens, for provider: String) throws { entries.withLock { $0[provider] = tokens } }
}
