import FoundationEssentials
import OpenKoiCore

/// `credentials/<provider>.key`: one API key per file, mode 0600 in a 0700 directory (reference §3.6).
public struct KeyFiles: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    public func path(for provider: String) -> String { directory + "/\(provider).key" }

    /// The key in `<provider>.key`, trimmed; `nil` when absent or blank.
    public func key(for provider: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path(for: provider)) else { return nil }
        let key = String(decoding: data, as: UTF8.self).trimmed
        return key.isEmpty ? nil : key
    }

    /// Provider ids that have a key file, sorted.
    public func providers() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".key") }.map { String($0.dropLast(4)) }.filter { key(for: $0) != nil }
            .sorted()
    }

    public func save(_ key: String, for provider: String) throws(AtomicFile.WriteError) {
        try AtomicFile.makeDirectories(directory, mode: 0o700)
        // An existing directory may be wider than 0700 (made by hand, or by the original tool).
        chmod(directory, 0o700)
        try AtomicFile.write(key.trimmed + "\n", to: path(for: provider), mode: 0o600)
    }

    @discardableResult
    public func remove(_ provider: String) -> Bool { unlink(path(for: provider)) == 0 }
}

/// A secret shown to people: the first four and last four characters at most, never the whole key.
public func maskedSecret(_ secret: String) -> String {
    let characters = Array(secret)
    guard characters.count >= 12 else { return String(repeating: "*", count: min(characters.count, 8)) }
    return String(characters.prefix(4)) + "…" + String(characters.suffix(4))
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
