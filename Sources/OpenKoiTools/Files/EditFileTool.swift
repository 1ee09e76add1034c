import OpenKoiCore

/// `edit_file {path, old_string, new_string, replace_all?}`: text replacement.
///
/// An exact (byte-for-byte) match is tried first. Failing that, a unique match that ignores
/// indentation, trailing spaces and line endings is applied (`EditMatching`); when nothing
/// matches, the error shows the file's closest lines. Ambiguity is an error rather than a guess.
struct EditFileTool: BuiltinTool {
    let access: WorkspaceAccess

    var definition: ToolDefinition {
        ToolDefinition(
            name: "edit_file",
            description: """
                Replace exact text in an existing file. `old_string` must match the file exactly (including \
                indentation and line breaks) and, unless `replace_all` is true, occur exactly once — include \
                enough surrounding lines to make it unique. Read the file first.
                """,
            parameters: Schema.object(
                [
                    "path": Schema.string("File path, relative to the workspace root (or absolute inside it)."),
                    "old_string": Schema.string("The exact text to replace."),
                    "new_string": Schema.string("The replacement text (may be empty to delete)."),
                    "replace_all": Schema.boolean("Replace every occurrence instead of exactly one. Default false."),
                ], required: ["path", "old_string", "new_string"]))
    }

    func run(_ arguments: ToolArguments) async throws(ToolFailure) -> ToolOutcome {
        let path = try arguments.string("path")
        let old = try arguments.string("old_string")
        let new = try arguments.string("new_string")
        let replaceAll = try arguments.optionalBool("replace_all") ?? false
        guard !old.isEmpty else {
            throw ToolFailure("edit_file: 'old_string' is empty; to create a file or replace all of it, use write_file")
        }
        guard old != new else {
            throw ToolFailure("edit_file: 'old_string' and 'new_string' are identical; nothing to change")
        }

        let target = try access.resolve(path)
        let text = try ReadFileTool.readText(target, tool: "edit_file")
        let bytes = Array(text.utf8)
        let needle = Array(old.utf8)
        let matches = Self.occurrences(of: needle, in: bytes)

        if matches.isEmpty {
            return try editIgnoringWhitespace(target, text: text, old: old, new: new, replaceAll: replaceAll)
        }
        if matches.count > 1, !replaceAll {
            let lines = matches.prefix(10).map { String(Self.lineNumber(at: $0, in: bytes)) }.joined(separator: ", ")
            throw ToolFailure(
                "edit_file: 'old_string' occurs \(matches.count) times in '\(target.relative)' (lines \(lines)\(matches.count > 10 ? ", …" : "")). Add surrounding lines to make it unique, or set replace_all to true."
            )
        }

        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + matches.count * max(0, new.utf8.count - needle.count))
        var cursor = 0
        for start in matches {
            result.append(contentsOf: bytes[cursor..<start])
            result.append(contentsOf: new.utf8)
            cursor = start + needle.count
        }
        result.append(contentsOf: bytes[cursor...])

        let mode = FileSystem.info(target.absolute)?.mode ?? 0o644
        try FileSystem.writeAtomically(target.absolute, bytes: result, mode: mode, displayPath: target.relative)
        let firstLine = Self.lineNumber(at: matches[0], in: bytes)
        let count = matches.count == 1 ? "1 occurrence" : "\(matches.count) occurrences"
        return ToolOutcome(
            content: "Edited \(target.relative): replaced \(count) (first at line \(firstLine)).",
            modifiedPath: target.relative)
    }

    /// The whitespace-tolerant fallback (see `EditMatching`).
    func editIgnoringWhitespace(
        _ target: WorkspacePath, text: String, old: String, new: String, replaceAll: Bool
    ) throws(ToolFailure) -> ToolOutcome {
        let fileLines = EditMatching.splitLines(text)
        let oldLines = EditMatching.significantLines(old)
        let matches = EditMatching.whitespaceInsensitiveMatches(of: oldLines, in: fileLines)
        if matches.isEmpty {
            var message = "edit_file: 'old_string' was not found in '\(target.relative)', not even ignoring whitespace."
            if let near = EditMatching.nearest(to: oldLines, in: fileLines) {
                let from = max(0, near.start - 2)
                let to = min(fileLines.count, near.start + near.count + 2)
                message += " The closest lines in the file (\(from + 1)–\(to)) are:\n```\n"
                message += fileLines[from..<to].joined(separator: "\n") + "\n```\n"
                message += "Copy the exact lines into old_string, or write the whole file with write_file."
            } else {
                message += " Read the file again and copy the exact text, or write the whole file with write_file."
            }
            throw ToolFailure(message)
        }
        if matches.count > 1, !replaceAll {
            let lines = matches.prefix(10).map { String($0.start + 1) }.joined(separator: ", ")
            throw ToolFailure(
                "edit_file: 'old_string' matches \(matches.count) places in '\(target.relative)' when whitespace is ignored (lines \(lines)). Add surrounding lines to make it unique, or set replace_all to true."
            )
        }
        let updated = EditMatching.replacing(
            matches, in: fileLines, oldLines: oldLines, with: new, lineEnding: text.contains("\r\n") ? "\r\n" : "\n",
            trailingNewline: EditMatching.endsWithNewline(text))
        let mode = FileSystem.info(target.absolute)?.mode ?? 0o644
        try FileSystem.writeAtomically(target.absolute, bytes: updated.utf8, mode: mode, displayPath: target.relative)
        let count = matches.count == 1 ? "1 occurrence" : "\(matches.count) occurrences"
        return ToolOutcome(
            content:
                "Edited \(target.relative): replaced \(count) (first at line \(matches[0].start + 1)), matching with indentation and trailing whitespace ignored.",
            modifiedPath: target.relative)
    }

    /// Start offsets of non-overlapping occurrences, left to right.
    static func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> [Int] {
        guard !needle.isEmpty, needle.count <= haystack.count, let first = needle.first else { return [] }
        var found: [Int] = []
        var index = 0
        let lastStart = haystack.count - needle.count
        while index <= lastStart {
            if haystack[index] == first, haystack[index..<index + needle.count].elementsEqual(needle) {
                found.append(index)
                index += needle.count
            } else {
                index += 1
            }
        }
        return found
    }

    static func lineNumber(at offset: Int, in bytes: [UInt8]) -> Int {
        1 + bytes[0..<offset].reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    }
}
