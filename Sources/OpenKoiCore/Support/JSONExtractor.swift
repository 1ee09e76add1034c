/// Finds JSON objects embedded in model text: fenced ```json blocks first, then bare balanced `{…}`.
public enum JSONExtractor {
    /// Every parseable top-level object, in order of appearance (fenced blocks first).
    public static func objects(in text: String) -> [JSONValue] {
        var found: [JSONValue] = []
        for block in fencedBlocks(in: text) {
            if let value = JSONValue.parse(block), value.objectValue != nil { found.append(value) }
        }
        for candidate in balancedObjects(in: text) {
            if let value = JSONValue.parse(candidate), value.objectValue != nil, !found.contains(value) {
                found.append(value)
            }
        }
        return found
    }

    /// Contents of ``` fences (any info string).
    static func fencedBlocks(in text: String) -> [String] {
        var blocks: [String] = []
        var rest = Substring(text)
        while let open = rest.firstRange(of: "```") {
            let afterOpen = rest[open.upperBound...]
            guard let newline = afterOpen.firstIndex(of: "\n") else { break }
            let body = afterOpen[afterOpen.index(after: newline)...]
            guard let close = body.firstRange(of: "```") else { break }
            blocks.append(String(body[..<close.lowerBound]))
            rest = body[close.upperBound...]
        }
        return blocks
    }

    /// Substrings from a `{` to its matching `}`, skipping braces inside strings; the outermost ones,
    /// including those inside a `{` that never closes (a stray brace in prose before the call).
    ///
    /// One pass with a stack of open braces, so it stays linear in the text whatever it holds (it runs
    /// on every executor and judge reply; restarting a scan at each unmatched `{` was quadratic).
    static func balancedObjects(in text: String) -> [String] {
        let bytes = Array(text.utf8)
        var open: [Int] = []
        var inString = false
        var escaped = false
        /// Matched pairs, in order of their end; an enclosing pair ends after the pairs it contains.
        var pairs: [(start: Int, end: Int)] = []
        for (index, byte) in bytes.enumerated() {
            // Quotes outside every object are prose (`"quoted words"`), not JSON strings.
            if open.isEmpty {
                if byte == UInt8(ascii: "{") { open.append(index) }
                continue
            }
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "{") {
                open.append(index)
            } else if byte == UInt8(ascii: "}"), let start = open.popLast() {
                // Pairs this one encloses are no longer outermost.
                while let last = pairs.last, last.start > start { pairs.removeLast() }
                pairs.append((start, index))
                if open.isEmpty { inString = false }
            }
        }
        return pairs.map { String(decoding: bytes[$0.start...$0.end], as: UTF8.self) }
    }
}
