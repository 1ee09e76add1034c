/// An API key that never prints: `description`, `debugDescription` and `dump` all show a placeholder,
/// so a provider logged or interpolated into an error cannot leak it.
struct APIKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    let value: String

    /// `nil` for an absent or blank key, so "no key" has one representation.
    init?(_ value: String?) {
        guard let value, !value.allSatisfy(\.isWhitespace) else { return nil }
        self.value = value
    }

    var description: String { "[redacted]" }
    var debugDescription: String { "[redacted]" }
    var customMirror: Mirror { Mirror(self, children: []) }
}

/// Joins a base URL and a path without doubling or dropping the slash between them.
func endpoint(_ base: String, _ path: String) -> String {
    var trimmed = Substring(base)
    while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
    return trimmed + (path.hasPrefix("/") ? path : "/" + path)
}
