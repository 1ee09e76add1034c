// FoundationEssentials has no `trimmingCharacters(in:)`, `CharacterSet` or case-insensitive compare
// (they live in full Foundation, which pulls ICU); these cover what the engine needs.

extension StringProtocol {
    /// Without leading and trailing whitespace and newlines.
    public var trimmed: String { trimming { $0.isWhitespace } }

    /// Without leading and trailing characters matching `isTrimmed`.
    public func trimming(where isTrimmed: (Character) -> Bool) -> String {
        guard let start = firstIndex(where: { !isTrimmed($0) }), let end = lastIndex(where: { !isTrimmed($0) }) else {
            return ""
        }
        return String(self[start...end])
    }

    /// Without leading and trailing characters from `set`.
    public func trimming(_ set: Set<Character>) -> String { trimming { set.contains($0) } }

    public func equalsIgnoringCase(_ other: some StringProtocol) -> Bool { lowercased() == other.lowercased() }
}
