/// Unified diffs as models write them: `--- a/x` / `+++ b/x` headers and `@@` hunks. Line numbers
/// and counts in the hunk headers are ignored (models rarely get them right); each hunk becomes a
/// search-and-replace of its context plus removed lines, which `edit_file` places by content.
enum UnifiedDiff {
    /// The lines start with a diff (`--- `, `diff --git`, or a bare `@@` hunk).
    static func starts(_ lines: [String]) -> Bool {
        guard let first = lines.first(where: { !$0.trimmed.isEmpty }) else { return false }
        return first.hasPrefix("--- ") || first.hasPrefix("diff --git ") || first.hasPrefix("@@ ")
    }

    /// `--- x` followed by `+++ y`: the start of a bare (unfenced) diff.
    static func isFileHeader(_ lines: [String], at index: Int) -> Bool {
        index + 1 < lines.count && lines[index].hasPrefix("--- ") && lines[index + 1].hasPrefix("+++ ")
    }

    /// The index after the last line of the diff that starts at `start`.
    static func end(of lines: [String], from start: Int) -> Int {
        var index = start
        while index < lines.count {
            let line = lines[index]
            let partOfDiff =
                line.hasPrefix("--- ") || line.hasPrefix("+++ ") || line.hasPrefix("@@") || line.hasPrefix(" ")
                || line.hasPrefix("+") || line.hasPrefix("-") || line.hasPrefix("\\") || line.hasPrefix("diff ")
                || line.hasPrefix("index ")
            if !partOfDiff { break }
            index += 1
        }
        return index
    }

    static func parse(_ lines: [String]) -> [ProposedEdit] {
        var edits: [ProposedEdit] = []
        var oldPath: String?
        var newPath: String?
        var hunk: (old: [String], new: [String])?
        var newFile: [String]?

        func flushHunk() {
            guard let current = hunk else { return }
            hunk = nil
            if newFile != nil { return }
            let path = newPath ?? oldPath
            if current.old.allSatisfy({ $0.trimmed.isEmpty }) {
                edits.append(
                    ProposedEdit(
                        format: .unifiedDiff, path: path, change: .replace(search: "", replace: ""),
                        problem: "the hunk has no context or removed lines, so there is nothing to place it by"))
                return
            }
            edits.append(
                ProposedEdit(
                    format: .unifiedDiff, path: path,
                    change: .replace(
                        search: current.old.joined(separator: "\n"), replace: current.new.joined(separator: "\n"))))
        }
        func flushFile() {
            flushHunk()
            if let content = newFile {
                edits.append(
                    ProposedEdit(
                        format: .unifiedDiff, path: newPath, change: .write(content.joined(separator: "\n") + "\n")))
            }
            newFile = nil
        }

        for (index, line) in lines.enumerated() {
            if line.hasPrefix("--- "), index + 1 < lines.count, lines[index + 1].hasPrefix("+++ ") {
                flushFile()
                oldPath = path(fromHeader: line)
                newPath = nil
                continue
            }
            if line.hasPrefix("+++ "), hunk == nil {
                newPath = path(fromHeader: line)
                if newPath == nil {
                    edits.append(
                        ProposedEdit(
                            format: .unifiedDiff, path: oldPath, change: .write(""),
                            problem: "deleting a file through a diff is not applied"))
                } else if oldPath == nil {
                    newFile = []  // `--- /dev/null`: a new file made of the `+` lines
                }
                continue
            }
            if line.hasPrefix("@@") {
                flushHunk()
                hunk = ([], [])
                continue
            }
            if line.hasPrefix("diff ") || line.hasPrefix("index ") || line.hasPrefix("\\") { continue }
            if newFile != nil {
                if line.hasPrefix("+") { newFile?.append(String(line.dropFirst())) }
                continue
            }
            guard hunk != nil else { continue }
            if line.hasPrefix("+") {
                hunk?.new.append(String(line.dropFirst()))
            } else if line.hasPrefix("-") {
                hunk?.old.append(String(line.dropFirst()))
            } else {
                // Context; models often drop the leading space of blank context lines.
                let text = line.hasPrefix(" ") ? String(line.dropFirst()) : line
                hunk?.old.append(text)
                hunk?.new.append(text)
            }
        }
        flushFile()
        // Trailing blank "context" lines are usually the gap after the diff, not part of the file.
        return edits.map { edit in
            guard case .replace(let search, let replace) = edit.change, edit.problem == nil else { return edit }
            var trimmed = edit
            trimmed.change = .replace(search: trimTrailingBlankLines(search), replace: trimTrailingBlankLines(replace))
            return trimmed
        }
    }

    /// `--- a/src/x.py\t2024-01-01` → `src/x.py`; `/dev/null` → nil.
    static func path(fromHeader line: String) -> String? {
        var value = String(line.dropFirst(4))
        if let tab = value.firstIndex(of: "\t") { value = String(value[..<tab]) }
        value = value.trimmed
        if value == "/dev/null" || value.isEmpty { return nil }
        if value.hasPrefix("a/") || value.hasPrefix("b/") { value.removeFirst(2) }
        return value
    }

    private static func trimTrailingBlankLines(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        while lines.count > 1, let last = lines.last, last.trimmed.isEmpty { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}
