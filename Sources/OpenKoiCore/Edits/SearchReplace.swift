/// aider's SEARCH/REPLACE block:
///
///     path/to/file.py
///     <<<<<<< SEARCH
///     old lines
///     =======
///     new lines
///     >>>>>>> REPLACE
enum SearchReplace {
    static func isSearchMarker(_ line: String) -> Bool { marker(line, char: "<", word: "SEARCH") }
    static func isDivider(_ line: String) -> Bool {
        let trimmed = line.trimmed
        return trimmed.count >= 5 && trimmed.count <= 9 && trimmed.allSatisfy { $0 == "=" }
    }
    static func isReplaceMarker(_ line: String) -> Bool { marker(line, char: ">", word: "REPLACE") }

    private static func marker(_ line: String, char: Character, word: String) -> Bool {
        let trimmed = line.trimmed
        let run = trimmed.prefix { $0 == char }.count
        guard (5...9).contains(run) else { return false }
        return trimmed.dropFirst(run).trimmed.uppercased() == word
    }

    /// Parses the block whose SEARCH marker is at `start`.
    /// - Returns: the edit (with a problem when the block is incomplete) and the index after it.
    static func parse(_ lines: [String], from start: Int, path: String?) -> (ProposedEdit, Int) {
        var search: [String] = []
        var replace: [String] = []
        var index = start + 1
        var sawDivider = false
        while index < lines.count {
            let line = lines[index]
            if !sawDivider, isDivider(line) {
                sawDivider = true
            } else if sawDivider, isReplaceMarker(line) {
                let edit = ProposedEdit(
                    format: .searchReplace, path: path, naming: .explicit,
                    change: .replace(search: search.joined(separator: "\n"), replace: replace.joined(separator: "\n")))
                return (edit, index + 1)
            } else if isSearchMarker(line) {
                break  // the next block started before this one ended
            } else if sawDivider {
                replace.append(line)
            } else {
                search.append(line)
            }
            index += 1
        }
        let edit = ProposedEdit(
            format: .searchReplace, path: path, naming: .explicit,
            change: .replace(search: search.joined(separator: "\n"), replace: replace.joined(separator: "\n")),
            problem: sawDivider
                ? "the block has no closing `>>>>>>> REPLACE` line" : "the block has no `=======` divider")
        return (edit, index)
    }
}
