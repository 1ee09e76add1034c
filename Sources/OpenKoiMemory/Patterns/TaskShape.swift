/// The shape of a task's text: what stays the same when the same job is asked again.
///
/// "Summarize notes/2026-03-01.md in 5 bullets" and "summarize notes/2026-03-02.md in 3 bullets"
/// are one job: letters are lowercased, URLs, paths and file names become `<url>` and `<path>`, and
/// runs of digits (dates, counts, versions, issue numbers) become `<n>`.
enum TaskShape {
    /// Longest shape kept (it is the pattern's description and the proposed skill's name).
    static let maxLength = 120

    /// The shape, or nil when nothing recognisable is left (no word of three letters).
    static func of(_ text: String) -> String? {
        let first = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: true).first ?? ""
        let words = first.lowercased().split(whereSeparator: \.isWhitespace).compactMap(word)
        guard words.contains(where: { $0.filter(\.isLetter).count >= 3 && !$0.hasPrefix("<") }) else { return nil }
        var kept: [String] = []
        var length = -1
        for word in words {
            // Two placeholders in a row say the same as one ("<n> <n>" from "3 - 4").
            if word.hasPrefix("<"), kept.last == word { continue }
            length += word.count + 1
            if length > maxLength { break }
            kept.append(word)
        }
        return kept.joined(separator: " ")
    }

    private static let edgePunctuation: Set<Character> = [
        "\"", "'", "`", "(", ")", "[", "]", "{", "}", ",", ";", ":", ".", "!", "?",
    ]

    /// One word's shape; nil for bare punctuation.
    static func word(_ raw: Substring) -> String? {
        var token = raw
        while let first = token.first, edgePunctuation.contains(first) { token = token.dropFirst() }
        while let last = token.last, edgePunctuation.contains(last) { token = token.dropLast() }
        guard !token.isEmpty else { return nil }
        if token.contains(":"), token.firstRange(of: "://") != nil { return "<url>" }
        if token.contains("/") || token.contains("\\") || isFileName(token) { return "<path>" }
        guard token.contains(where: \.isNumber) else { return String(token) }
        // Digits become <n>; separators between numbers go with them ("2026-03-01" → "<n>", "v1.2" → "v<n>").
        var out = ""
        var inNumber = false
        var pendingSeparator: Character?
        for character in token {
            if character.isNumber {
                if !inNumber {
                    if let separator = pendingSeparator { out.append(separator) }
                    out += "<n>"
                }
                pendingSeparator = nil
                inNumber = true
            } else if inNumber, "-.:,_x".contains(character), pendingSeparator == nil {
                pendingSeparator = character
            } else {
                if let separator = pendingSeparator { out.append(separator) }
                pendingSeparator = nil
                inNumber = false
                out.append(character)
            }
        }
        if let separator = pendingSeparator { out.append(separator) }
        return out
    }

    /// `server.py`, `notes.md`, `Cargo.toml`: a name, a dot, and a short extension with a letter.
    static func isFileName(_ token: Substring) -> Bool {
        guard let dot = token.lastIndex(of: "."), dot != token.startIndex else { return false }
        let name = token[..<dot]
        let ext = token[token.index(after: dot)...]
        return (1...5).contains(ext.count) && ext.allSatisfy { $0.isLetter || $0.isNumber }
            && ext.contains(where: \.isLetter) && name.contains(where: { $0.isLetter || $0.isNumber })
            && !name.contains(".")
    }
}
