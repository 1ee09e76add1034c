/// How models name the file a block belongs to, read from the line before the block, its info
/// string, or its first line.
enum FileNaming {
    struct Mention: Equatable {
        var path: String
        var naming: ProposedEdit.Naming
    }

    /// Fence languages whose blocks are never files of their own (console sessions, output).
    static let nonFileLanguages: Set<String> = ["sh", "bash", "shell", "console", "text", "txt", "output", "plaintext"]

    /// The file named by the closest non-blank line above `index` (skipping fence lines), if any.
    static func nameBefore(_ index: Int, in lines: [String]) -> Mention? {
        var cursor = index - 1
        var inspected = 0
        while cursor >= 0, inspected < 3 {
            let line = lines[cursor].trimmed
            cursor -= 1
            if line.isEmpty { continue }
            if Fence(opening: line) != nil, line.count > 3 || inspected == 0 { continue }
            inspected += 1
            return mention(in: line)
        }
        return nil
    }

    /// A path in a heading or sentence: `### FILE: x.py`, `**x.py**`, `x.py:`, "Here is `x.py`:".
    static func mention(in line: String) -> Mention? {
        var text = Substring(line.trimmed)
        text = text.drop { $0 == "#" || $0 == "*" || $0 == "-" || $0 == ">" || $0 == " " }
        for label in ["file:", "filename:", "file name:", "path:", "file path:"]
        where text.lowercased().hasPrefix(label) {
            let rest = strip(text.dropFirst(label.count))
            return looksLikePath(rest) ? Mention(path: rest, naming: .explicit) : nil
        }
        let whole = strip(text)
        if looksLikePath(whole) { return Mention(path: whole, naming: .explicit) }
        // A path inside prose: backticked first, then any word that looks like a file name.
        let quoted = text.split(separator: "`", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map { strip($0.element) }
        if let path = quoted.first(where: looksLikePath) { return Mention(path: path, naming: .inferred) }
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { strip($0) }
        if let path = words.first(where: looksLikePath) { return Mention(path: path, naming: .inferred) }
        return nil
    }

    /// `python title="x.py"`, `x.py`, `python:x.py`, `python x.py`.
    static func fromInfo(_ info: String) -> String? {
        guard !info.isEmpty else { return nil }
        if let range = info.firstRange(of: "title=") ?? info.firstRange(of: "file=") ?? info.firstRange(of: "filename=")
        {
            let value = info[range.upperBound...].prefix { !$0.isWhitespace }
            let path = strip(value)
            return looksLikePath(path) ? path : nil
        }
        for part in info.split(whereSeparator: { $0 == " " || $0 == ":" }) {
            let path = strip(part)
            if looksLikePath(path) { return path }
        }
        return nil
    }

    /// A first line that is only a comment naming a file: `# x.py`, `// src/a.ts`, `<!-- index.html -->`.
    static func fromComment(_ line: String) -> String? {
        var text = Substring(line.trimmed)
        var matched = false
        for opener in ["<!--", "/*", "//", "#", "--", ";"] where text.hasPrefix(opener) {
            text = text.dropFirst(opener.count)
            matched = true
            break
        }
        guard matched else { return nil }
        for closer in ["-->", "*/"] where text.hasSuffix(closer) { text = text.dropLast(closer.count) }
        text = Substring(text.trimmed)
        for label in ["file:", "filename:", "file name:", "path:"] where text.lowercased().hasPrefix(label) {
            text = text.dropFirst(label.count)
        }
        let path = strip(text)
        return looksLikePath(path) && path.contains(".") ? path : nil
    }

    /// Without the decoration models put around names: backticks, quotes, bold, a trailing colon.
    static func strip(_ text: some StringProtocol) -> String {
        var value = text.trimming(Set("`*\"' "))
        while let last = value.last, last == ":" || last == "," || last == ")" || last == "." {
            value.removeLast()
            value = value.trimming(Set("`*\"' "))
        }
        if value.hasPrefix("(") { value.removeFirst() }
        if value.hasPrefix("./") { value.removeFirst(2) }
        return value
    }

    static let extensionless: Set<String> = ["Makefile", "Dockerfile", "Gemfile", "Rakefile", "Procfile", "LICENSE"]

    /// A relative or absolute file path with a real extension (not a version number or a URL).
    static func looksLikePath(_ text: String) -> Bool {
        guard !text.isEmpty, text.count <= 200, !text.contains("://"), !text.hasSuffix("/") else { return false }
        let allowed = text.allSatisfy { $0.isLetter || $0.isNumber || "._-/+@".contains($0) }
        guard allowed, text.contains(where: { $0.isLetter }) else { return false }
        let name = text.split(separator: "/").last.map(String.init) ?? text
        if extensionless.contains(name) { return true }
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return false }
        let ext = name[name.index(after: dot)...]
        return (1...6).contains(ext.count) && ext.allSatisfy({ $0.isLetter || $0.isNumber })
            && ext.contains(where: { $0.isLetter })
    }
}
