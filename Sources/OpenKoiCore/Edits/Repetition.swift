/// Small models sometimes loop: the same file block written again and again, or one line
/// repeated, until the output limit (a 2,048-token reply at ~10 tokens/s is over three minutes).
/// These find where such a reply should have ended, so the stream can be cut there.
enum Repetition {
    /// Lines repeated back to back that make a loop.
    static let repeatedLines = 24

    /// Where the loop starts (the second `### FILE:` heading for a file whose block already closed,
    /// or the end of the first of many identical lines), or `nil`.
    static func cut(_ text: String) -> String.Index? {
        var closedPaths = Set<String>()
        var openPath: String?
        var insideFence = false
        var identicalRun = 0
        var previousLine: Substring?
        var index = text.startIndex
        while index < text.endIndex {
            let lineEnd = text[index...].firstIndex(where: { $0 == "\n" || $0 == "\r\n" }) ?? text.endIndex
            let line = text[index..<lineEnd]
            let trimmed = line.trimmed
            if !insideFence, trimmed.hasPrefix("### FILE:") {
                let path = FileNaming.strip(trimmed.dropFirst("### FILE:".count))
                if closedPaths.contains(path) { return index }
                openPath = path
            } else if trimmed.hasPrefix("```") {
                insideFence.toggle()
                if !insideFence, let path = openPath {
                    closedPaths.insert(path)
                    openPath = nil
                }
            }
            if !trimmed.isEmpty {
                identicalRun = previousLine.map { $0.trimmed == trimmed } == true ? identicalRun + 1 : 1
                previousLine = line
                if identicalRun >= repeatedLines { return index }
            }
            index = lineEnd < text.endIndex ? text.index(after: lineEnd) : text.endIndex
        }
        return nil
    }
}
