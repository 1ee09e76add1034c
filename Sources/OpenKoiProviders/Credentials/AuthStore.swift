import FoundationEssentials
import OpenKoiCore

/// `auth.json` in the config dir (reference §3.9): API keys and OAuth logins by provider id,
/// `{"providers": {id: {"type":"api_key","key":…} | {"type":"oauth","access_token",…}}}`.
///
/// Read afresh on every call (it is tiny, and another process may have refreshed a token); written
/// atomically with mode 0600. A file that cannot be parsed is never overwritten: the error names it,
/// so a hand-edit gone wrong loses nothing.
public struct AuthStore: OAuthTokenStore, Sendable {
    public enum Entry: Sendable, Hashable {
        case apiKey(String)
        case oauth(OAuthTokens)
    }

    public struct StoreError: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    public let path: String

    public init(path: String) { self.path = path }

    /// Every entry; an absent file is an empty store.
    public func entries() throws(StoreError) -> [String: Entry] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        guard let json = JSONValue.parse(data), let root = json.objectValue else {
            throw StoreError(path: path, reason: "not valid JSON; fix or remove the file (run openkoi connect again)")
        }
        var result: [String: Entry] = [:]
        for (id, value) in root["providers"]?.objectValue ?? [:] {
            switch value["type"]?.stringValue {
            case "api_key":
                if let key = value["key"]?.stringValue, !key.isEmpty { result[id] = .apiKey(key) }
            case "oauth":
                guard let access = value["access_token"]?.stringValue else { continue }
                var extra: [String: String] = [:]
                for (name, item) in value["extra"]?.objectValue ?? [:] { extra[name] = item.stringValue }
                result[id] = .oauth(
                    OAuthTokens(
                        accessToken: access, refreshToken: value["refresh_token"]?.stringValue ?? access,
                        expiresAt: value["expires_at"]?.intValue ?? 0, extra: extra))
            default: continue  // an entry type from a newer version: kept on write, not used
            }
        }
        return result
    }

    /// Throws when the file exists but cannot be read as a store (names the file and the fix).
    public func check() throws(StoreError) { _ = try entries() }

    /// The entry for `provider`, or `nil` when there is none or the file cannot be read.
    public func entry(for provider: String) -> Entry? { (try? entries())?[provider] }

    public func tokens(for provider: String) -> OAuthTokens? {
        if case .oauth(let tokens) = entry(for: provider) { return tokens }
        return nil
    }

    public func save(_ tokens: OAuthTokens, for provider: String) throws {
        var extra: [String: JSONValue] = [:]
        for (name, value) in tokens.extra { extra[name] = .string(value) }
        try update(
            provider,
            to: [
                "type": "oauth", "access_token": .string(tokens.accessToken),
                "refresh_token": .string(tokens.refreshToken), "expires_at": .number(Double(tokens.expiresAt)),
                "extra": .object(extra),
            ])
    }

    public func saveAPIKey(_ key: String, for provider: String) throws(StoreError) {
        try update(provider, to: ["type": "api_key", "key": .string(key)])
    }

    /// Removes `provider`'s entry; returns whether there was one.
    @discardableResult
    public func remove(_ provider: String) throws(StoreError) -> Bool {
        let existed = try rawProviders()[provider] != nil
        if existed { try update(provider, to: nil) }
        return existed
    }

    /// Rewrites the file with one entry replaced, keeping every other entry as it was (also entry
    /// types this version does not know).
    private func update(_ provider: String, to value: JSONValue?) throws(StoreError) {
        var providers = try rawProviders()
        providers[provider] = value
        let text = JSONValue.object(["providers": .object(providers)]).prettyText + "\n"
        do {
            try AtomicFile.write(text, to: path, mode: 0o600)
        } catch {
            throw StoreError(path: path, reason: error.reason)
        }
    }

    private func rawProviders() throws(StoreError) -> [String: JSONValue] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        guard let json = JSONValue.parse(data), json.objectValue != nil else {
            throw StoreError(path: path, reason: "not valid JSON; fix or remove the file before connecting")
        }
        return json["providers"]?.objectValue ?? [:]
    }
}

extension JSONValue {
    /// Indented JSON with sorted keys, for files people read.
    var prettyText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        guard let data = try? encoder.encode(self) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }
}
