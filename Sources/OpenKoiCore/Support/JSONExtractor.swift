/// Finds JSON objects embedded in model text: fenced ```json blocks first, then bare balanced `{…}`.
public enum JSONExtractor {
    /// Every parseable top-level object, in order of appearance (fenced blocks first).
    public static func objects(in text: String) -> [JSONValue] {
        var found: [JSONValue] = []
        for block in fencedBlocks(in: text) {
            if let value = JSONValue.parse(block), value.objectValue != nil { found.append(value) }
        }
        for candidate in balancedObjects(in: text) {
            if let value = JSONValue.parse(candidate), value.objectValue != nil, !found.contains(value) { found.append(value) }
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

    /// Substrings from a `{` to its matching `}`, skipping braces inside strings.
    static func balancedObjects(in text: String) -> [String] {
        let bytes = Array(text.utf8)
        var results: [String] = []
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "{") else { index += 1; continue }
            var depth = 0
            var inString = false
            var escaped = false
            var end: Int?
            var j = index
            while j < bytes.count {
                let b = bytes[j]
                if inString {
                    if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
                } else if b == UInt8(ascii: "\"") {
                    inString = true
                } else if b == UInt8(ascii: "{") {
                    depth += 1
                } else if b == UInt8(ascii: "}") {
                    depth -= 1
                    if depth == 0 { end = j; break }
                }
                j += 1
            }
            if let end {
                results.append(String(decoding: bytes[index...end], as: UTF8.self))
                index = end + 1
            } else {
                index += 1
            }
        }
        return results
    }
}
