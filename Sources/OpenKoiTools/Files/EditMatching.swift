import OpenKoiCore

/// What `edit_file` does when `old_string` is not in the file byte for byte: models get
/// indentation, trailing spaces and line endings wrong far more often than the words. A unique
/// match that ignores those is applied (with `new_string` re-indented to fit); otherwise the
/// file's closest lines are shown so the next call can copy them.
enum EditMatching {
    struct LineMatch: Equatable {
        /// First matched line (0-based) and how many lines matched.
        var start: Int
        var count: Int
    }

    /// Windows of `fileLines` whose lines equal `oldLines` with surrounding whitespace ignored.
    static func whitespaceInsensitiveMatches(of oldLines: [Substring], in fileLines: [Substring]) -> [LineMatch] {
        let wanted = oldLines.map { $0.trimmed }
        guard !wanted.isEmpty, wanted.contains(where: { !$0.isEmpty }), wanted.count <= fileLines.count else {
            return []
        }
        var matches: [LineMatch] = []
        var start = 0
        while start + wanted.count <= fileLines.count {
            var equal = true
            for offset in 0..<wanted.count where fileLines[start + offset].trimmed != wanted[offset] {
                equal = false
                break
            }
            if equal {
                matches.append(LineMatch(start: start, count: wanted.count))
                start += wanted.count
            } else {
                start += 1
            }
        }
        return matches
    }

    /// `old`'s lines without blank lines at either end (models often add a newline around blocks).
    static func significantLines(_ text: String) -> [Substring] {
        var lines = splitLines(text)
        while let first = lines.first, first.trimmed.isEmpty { lines.removeFirst() }
        while let last = lines.last, last.trimmed.isEmpty { lines.removeLast() }
        return lines
    }

    /// Lines without their terminators (`\n` or `\r\n`, which Swift reads as one character).
    static func splitLines(_ text: String) -> [Substring] {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        if endsWithNewline(text) { lines.removeLast() }
        return lines
    }

    static func endsWithNewline(_ text: String) -> Bool { text.last == "\n" || text.last == "\r\n" }

    /// Replaces the matched lines with `new`, moved to the matched text's indentation.
    static func replacing(
        _ matches: [LineMatch], in fileLines: [Substring], oldLines: [Substring], with new: String,
        lineEnding: String, trailingNewline: Bool
    ) -> String {
        let oldIndent = indentation(of: oldLines.first(where: { !$0.trimmed.isEmpty }) ?? "")
        var output: [String] = []
        var cursor = 0
        for match in matches {
            output += fileLines[cursor..<match.start].map(String.init)
            let fileIndent = indentation(
                of: fileLines[match.start..<(match.start + match.count)]
                    .first(where: { !$0.trimmed.isEmpty }) ?? "")
            for line in significantLines(new) {
                if line.trimmed.isEmpty {
                    output.append("")
                } else if line.hasPrefix(oldIndent) {
                    output.append(fileIndent + line.dropFirst(oldIndent.count))
                } else {
                    output.append(String(line))
                }
            }
            cursor = match.start + match.count
        }
        output += fileLines[cursor...].map(String.init)
        return output.joined(separator: lineEnding) + (trailingNewline ? lineEnding : "")
    }

    static func indentation(of line: Substring) -> String {
        String(line.prefix { $0 == " " || $0 == "\t" })
    }

    /// The window of the file most like `oldLines` (by shared words per line), for the error message.
    static func nearest(to oldLines: [Substring], in fileLines: [Substring]) -> LineMatch? {
        guard !oldLines.isEmpty, !fileLines.isEmpty, fileLines.count <= 20_000 else { return nil }
        let wanted = oldLines.prefix(60).map(words)
        let window = min(wanted.count, fileLines.count)
        let fileWords = fileLines.map(words)
        var best: (score: Double, start: Int)?
        for start in 0...(fileLines.count - window) {
            var score = 0.0
            for offset in 0..<window { score += similarity(fileWords[start + offset], wanted[offset]) }
            if score > (best?.score ?? 0) { best = (score, start) }
        }
        guard let best, best.score >= 0.5 else { return nil }
        return LineMatch(start: best.start, count: window)
    }

    private static func words(_ line: Substring) -> Set<Substring> {
        Set(line.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }))
    }

    private static func similarity(_ a: Set<Substring>, _ b: Set<Substring>) -> Double {
        if a.isEmpty && b.isEmpty { return 0.2 }
        let union = a.union(b).count
        return union == 0 ? 0 : Double(a.intersection(b).count) / Double(union)
    }
}
