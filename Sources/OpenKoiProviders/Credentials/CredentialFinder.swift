import FoundationEssentials
import OpenKoiCore

/// A credential found for one provider, and where it came from (shown by `doctor`, masked).
public struct Credential: Sendable, CustomStringConvertible {
    public enum Secret: Sendable {
        /// Sent the way the provider sends API keys (`x-api-key`, `Authorization: Bearer`, `x-goog-api-key`).
        case apiKey(String)
        /// An OAuth access token: always `Authorization: Bearer` (Claude's CLI login needs its beta header too).
        case bearer(String)
        /// A login kept in `auth.json`, refreshed by its provider.
        case login(OAuthTokens)
        case aws(accessKeyID: String, secretAccessKey: String, sessionToken: String?)
    }

    public enum Source: Sendable, Hashable, CustomStringConvertible {
        case environment(String)
        case authStore(String)
        case claudeCLI(String)
        case qwenCLI(String)
        case keyFile(String)

        public var description: String {
            switch self {
            case .environment(let name): return "env \(name)"
            case .authStore(let path): return path
            case .claudeCLI(let path): return "Claude CLI login (\(path))"
            case .qwenCLI(let path): return "Qwen CLI login (\(path))"
            case .keyFile(let path): return path
            }
        }
    }

    public var provider: String
    public var secret: Secret
    public var source: Source
    /// A base URL that comes with the credential (the Qwen CLI's `resource_url`).
    public var baseURL: String?

    /// The secret as shown to people.
    public var masked: String {
        switch secret {
        case .apiKey(let key), .bearer(let key): return maskedSecret(key)
        case .login(let tokens): return maskedSecret(tokens.accessToken)
        case .aws(let id, _, _): return maskedSecret(id)
        }
    }

    public var description: String { "\(provider) (\(source), \(masked))" }
}

/// Finds each provider's credentials in the reference's order (§3.6): environment variables, the
/// `auth.json` store, the Claude and Qwen CLI logins, then `credentials/<id>.key`. Reads files only;
/// never touches the network.
public struct CredentialFinder: Sendable {
    public let environment: [String: String]
    /// `nil` when only the environment is consulted (tests, embedding).
    public let authStore: AuthStore?
    public let keyFiles: KeyFiles?
    let home: String?

    /// - Parameter paths: where `auth.json` and `credentials/` live; `nil` reads the environment only.
    public init(environment: [String: String], paths: OpenKoiPaths?) {
        self.environment = environment
        authStore = paths.map { AuthStore(path: $0.authFile) }
        keyFiles = paths.map { KeyFiles(directory: $0.credentialsDir) }
        home = paths == nil ? nil : environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The first credential for `profile`, or `nil`. `extraVariable` is a config table's `api_key_env`.
    public func credential(for profile: ProviderProfile, extraVariable: String? = nil) -> Credential? {
        let id = profile.id
        switch profile.access {
        case .none: return nil
        case .aws:
            guard let keyID = value("AWS_ACCESS_KEY_ID"), let secret = value("AWS_SECRET_ACCESS_KEY") else {
                return nil
            }
            return Credential(
                provider: id,
                secret: .aws(accessKeyID: keyID, secretAccessKey: secret, sessionToken: value("AWS_SESSION_TOKEN")),
                source: .environment("AWS_ACCESS_KEY_ID"))
        case .login:
            guard let authStore, case .oauth(let tokens) = authStore.entry(for: id) else { return nil }
            return Credential(provider: id, secret: .login(tokens), source: .authStore(authStore.path))
        case .apiKey(let variables):
            return apiKeyCredential(id: id, variables: (extraVariable.map { [$0] } ?? []) + variables)
        }
    }

    /// An API key for a `[providers.<id>]` host: its `api_key_env`, then `auth.json`, then `<id>.key`.
    public func apiKeyCredential(id: String, variables: [String]) -> Credential? {
        for name in variables {
            if let key = value(name) {
                return Credential(provider: id, secret: .apiKey(key), source: .environment(name))
            }
        }
        if let authStore {
            switch authStore.entry(for: id) {
            case .apiKey(let key):
                return Credential(provider: id, secret: .apiKey(key), source: .authStore(authStore.path))
            case .oauth(let tokens):
                return Credential(provider: id, secret: .bearer(tokens.accessToken), source: .authStore(authStore.path))
            case nil: break
            }
        }
        if id == "anthropic", let login = claudeCLILogin() { return login }
        if id == "qwen", let login = qwenCLILogin() { return login }
        if let keyFiles, let key = keyFiles.key(for: id) {
            return Credential(provider: id, secret: .apiKey(key), source: .keyFile(keyFiles.path(for: id)))
        }
        return nil
    }

    /// `~/.claude/.credentials.json`: Claude Code's `claudeAiOauth.accessToken` (expiry in ms), or the
    /// top-level `oauth_token` older versions wrote. An expired login is skipped, not sent.
    func claudeCLILogin(now: Double = Date().timeIntervalSince1970) -> Credential? {
        guard let home else { return nil }
        let path = home + "/.claude/.credentials.json"
        guard let json = FileManager.default.contents(atPath: path).flatMap(JSONValue.parse) else { return nil }
        if let oauth = json["claudeAiOauth"], let token = oauth["accessToken"]?.stringValue, !token.isEmpty {
            if let expires = oauth["expiresAt"]?.doubleValue, expires / 1000 <= now { return nil }
            return Credential(provider: "anthropic", secret: .bearer(token), source: .claudeCLI(path))
        }
        guard let token = json["oauth_token"]?.stringValue, !token.isEmpty else { return nil }
        return Credential(provider: "anthropic", secret: .bearer(token), source: .claudeCLI(path))
    }

    /// `~/.qwen/oauth_creds.json`: `access_token`, with `resource_url` naming the host it is valid for.
    func qwenCLILogin(now: Double = Date().timeIntervalSince1970) -> Credential? {
        guard let home else { return nil }
        let path = home + "/.qwen/oauth_creds.json"
        guard let json = FileManager.default.contents(atPath: path).flatMap(JSONValue.parse),
            let token = json["access_token"]?.stringValue, !token.isEmpty
        else { return nil }
        if let expires = json["expiry_date"]?.doubleValue, expires / 1000 <= now { return nil }
        let host = json["resource_url"]?.stringValue.map { $0.contains("://") ? $0 : "https://" + $0 }
        return Credential(
            provider: "qwen", secret: .bearer(token), source: .qwenCLI(path),
            baseURL: host.map { endpoint($0, "/v1") })
    }

    /// Blank variables count as unset: `export OPENAI_API_KEY=` should not select OpenAI.
    public func value(_ name: String) -> String? {
        guard let text = environment[name]?.trimmed, !text.isEmpty else { return nil }
        return text
    }
}
