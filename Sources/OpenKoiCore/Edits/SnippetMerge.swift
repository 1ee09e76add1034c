/// Places a reply's excerpt — only the functions or classes a model changed — into the file it
/// came from, replacing the definitions of the same names. Small models answer "change `remove`
/// in this 140-line file" with just the new `remove`; written as the whole file, that would
/// delete the other 130 lines.
///
/// Definitions are found by their header line (`def`, `class`, `func`, `function`, `fn`, …) and
/// end where the indentation returns to the header's level (a closing `}` or `end` at that level
/// belongs to them). An excerpt with anything else at its top level is not merged.
enum SnippetMerge {
    struct Definition: Equatable {
        var keyword: String
        var name: String
        /// First line (decorators included) and the line after the last.
        var start: Int
        var end: Int
        var indent: Int
    }

    static let keywords: Set<String> = [
        "def", "class", "func", "function", "fn", "fun", "struct", "enum", "impl", "interface", "sub",
    ]

    /// The file with each of the excerpt's definitions put in place of the file's definition of the
    /// same name (new ones appended at the end), or `nil` when the excerpt is not a set of whole
    /// definitions that the file has (by unique name).
    static func merge(_ excerpt: String, into file: String) -> String? {
        let snippet = trimmedLines(excerpt)
        let fileLines = file.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map(String.init)
        let hadTrailingNewline = file.last == "\n" || file.last == "\r\n"
        var lines = hadTrailingNewline ? Array(fileLines.dropLast()) : fileLines
        guard let parts = definitions(snippet, topLevelOnly: true), !parts.isEmpty else { return nil }
        let existing = definitions(lines, topLevelOnly: false) ?? []
        var replaced = 0
        var appended: [String] = []
        // From the bottom up, so earlier line numbers stay valid.
        var placements: [(target: Definition, body: [String])] = []
        for part in parts {
            let body = Array(snippet[part.start..<part.end])
            let matches = existing.filter { $0.name == part.name && $0.keyword == part.keyword }
            if matches.count == 1, let target = matches.first {
                placements.append((target, reindent(body, from: part.indent, to: target.indent)))
                replaced += 1
            } else if matches.isEmpty, part.indent == 0 {
                appended += [""] + body
            } else {
                return nil  // ambiguous: the name is defined more than once
            }
        }
        guard replaced > 0 else { return nil }
        for placement in placements.sorted(by: { $0.target.start > $1.target.start }) {
            lines.replaceSubrange(placement.target.start..<placement.target.end, with: placement.body)
        }
        if !appended.isEmpty {
            while let last = lines.last, last.trimmed.isEmpty { lines.removeLast() }
            lines += [""] + appended
        }
        return lines.joined(separator: "\n") + (hadTrailingNewline ? "\n" : "")
    }

    /// The definitions in `lines`. With `topLevelOnly`, every non-blank line at the least
    /// indentation must start, decorate or close one (else `nil`: it is not a pure excerpt).
    static func definitions(_ lines: [String], topLevelOnly: Bool) -> [Definition]? {
        let base = lines.filter { !$0.trimmed.isEmpty }.map(indentation).min() ?? 0
        var found: [Definition] = []
        var index = 0
        var decoratorStart: Int?
        while index < lines.count {
            let line = lines[index]
            let trimmed = line.trimmed
            let indent = indentation(line)
            if trimmed.isEmpty || (topLevelOnly && indent > base) {
                index += 1
                continue
            }
            if trimmed.hasPrefix("@") {
                decoratorStart = decoratorStart ?? index
                index += 1
                continue
            }
            if let (keyword, name) = header(trimmed) {
                let start = decoratorStart ?? index
                decoratorStart = nil
                let end = extent(of: index, indent: indent, in: lines)
                found.append(Definition(keyword: keyword, name: name, start: start, end: end, indent: indent))
                // A class's methods are definitions too, so its body is scanned rather than skipped.
                if topLevelOnly || keyword != "class" { index = end } else { index += 1 }
                continue
            }
            decoratorStart = nil
            if topLevelOnly, indent == base, !(trimmed.hasPrefix("#") || trimmed.hasPrefix("//")) { return nil }
            index += 1
        }
        return found
    }

    /// `def name(` / `class Name:` / `func name(` / `pub fn name` / `async def name`: keyword and name.
    static func header(_ line: String) -> (String, String)? {
        let words = line.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).map(String.init)
        for (position, word) in words.prefix(4).enumerated() where keywords.contains(word) {
            guard position + 1 < words.count else { return nil }
            let modifiers: Set<String> = [
                "async", "pub", "public", "private", "static", "export", "override", "final", "open", "internal",
                "fileprivate",
            ]
            guard words[..<position].allSatisfy(modifiers.contains) else { return nil }
            return (word, words[position + 1])
        }
        return nil
    }

    /// The line after a definition whose header is at `start`: the next non-blank line at the
    /// header's indentation or less, a closing brace or `end` at that level included.
    static func extent(of start: Int, indent: Int, in lines: [String]) -> Int {
        var index = start + 1
        var lastBody = start
        while index < lines.count {
            let line = lines[index]
            let trimmed = line.trimmed
            if !trimmed.isEmpty {
                if indentation(line) <= indent {
                    if ["}", "};", "end", "})", "},"].contains(trimmed) { return index + 1 }
                    break
                }
                lastBody = index
            }
            index += 1
        }
        return lastBody + 1
    }

    static func indentation(_ line: String) -> Int {
        line.prefix { $0 == " " || $0 == "\t" }.reduce(0) { $0 + ($1 == "\t" ? 4 : 1) }
    }

    static func reindent(_ lines: [String], from: Int, to: Int) -> [String] {
        lines.map { line in
            guard !line.trimmed.isEmpty else { return "" }
            let current = indentation(line)
            let target = max(0, current - from + to)
            return String(repeating: " ", count: target) + line.drop { $0 == " " || $0 == "\t" }
        }
    }

    static func trimmedLines(_ text: String) -> [String] {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map(String.init)
        while let first = lines.first, first.trimmed.isEmpty { lines.removeFirst() }
        while let last = lines.last, last.trimmed.isEmpty { lines.removeLast() }
        return lines
    }

    /// Non-blank lines of `file` that also appear in `text` (as a share of the file's), for
    /// recognising an unnamed block as a whole copy of a workspace file.
    static func overlap(_ text: String, with file: String) -> Double {
        let fileLines = file.split(separator: "\n").map { $0.trimmed }.filter { !$0.isEmpty }
        guard !fileLines.isEmpty else { return 0 }
        let blockLines = Set(text.split(separator: "\n").map { $0.trimmed })
        return Double(fileLines.filter(blockLines.contains).count) / Double(fileLines.count)
    }
}
