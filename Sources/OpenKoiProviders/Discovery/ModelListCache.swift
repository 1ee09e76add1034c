import FoundationEssentials
import OpenKoiCore

/// `cache/<provider>-models.json` (reference §3.8): a provider's model list for an hour, so commands
/// that need a model do not probe on every start. An entry made for another base URL, an empty list
/// or an unreadable file is a miss.
public struct ModelListCache: Sendable {
    public static let timeToLive: Double = 3600

    public let directory: String
    private let now: @Sendable () -> Double

    public init(directory: String, now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.directory = directory
        self.now = now
    }

    public func path(for provider: String) -> String { directory + "/\(provider)-models.json" }

    public func models(for provider: String, baseURL: String) -> [ModelInfo]? {
        guard let data = FileManager.default.contents(atPath: path(for: provider)),
            let entry = try? JSONDecoder().decode(Entry.self, from: data), entry.baseURL == baseURL,
            now() - entry.cachedAt < Self.timeToLive, now() >= entry.cachedAt, !entry.models.isEmpty
        else { return nil }
        return entry.models
    }

    /// Best effort: a cache that cannot be written costs a probe next time, nothing more.
    public func store(_ models: [ModelInfo], for provider: String, baseURL: String) {
        guard !models.isEmpty else { return }
        let entry = Entry(cachedAt: now(), baseURL: baseURL, models: models)
        guard let data = try? JSONEncoder().encode(entry) else { return }
        try? AtomicFile.makeDirectories(directory, mode: 0o700)
        try? AtomicFile.write(data, to: path(for: provider), mode: 0o600)
    }

    private struct Entry: Codable {
        var cachedAt: Double
        var baseURL: String
        var models: [ModelInfo]

        enum CodingKeys: String, CodingKey {
            case cachedAt = "cached_at", baseURL = "base_url", models
        }
    }
}
