import OpenKoiCore

/// `read_file {path, offset?, limit?, line_numbers?}`: a text file's lines.
struct ReadFileTool: BuiltinTool {
    let access: WorkspaceAccess

    static let defaultLimit = 2000
    /// Bigger files are refused: reading 100 MB to show 2000 lines wastes memory and the model learns nothing.
    static let maxFileBytes = 16 << 20

    var definition: ToolDefinition {
        ToolDefinition(
            name: "read_file",
            description: """
                Read a UTF-8 text file in the workspace. Returns up to `limit` lines (default \(Self.defaultLimit)) \
                starting at line `offset` (1-based, default 1); a note at the end says how to read further. \
                Binary files and files over \(Self.maxFileBytes >> 20) MiB are refused (use grep to find what you need).
                """,
            parameters: Schema.object(
                [
                    "path": Schema.string("File path, relative to the workspace root (or absolute inside it)."),
                    "offset": Schema.integer("First line to return, 1-based. Default 1.", minimum: 1),
                    "limit": Schema.integer(
                        "Maximum number of lines to return. Default \(Self.defaultLimit).", minimum: 1),
                    "line_numbers": Schema.boolean(
                        "Prefix each line with its number and a tab (not part of the file: leave them out of edit_file's old_string). Default false."
                    ),
                ], required: ["path"]))
    }

    func run(_ arguments: ToolArguments) async throws(ToolFailure) -> ToolOutcome {
        let path = try arguments.string("path")
        let offset = try arguments.optionalInt("offset") ?? 1
        let limit = try arguments.optionalInt("limit") ?? Self.defaultLimit
        let numbered = try arguments.optionalBool("line_numbers") ?? false
        guard offset >= 1 else {
            throw ToolFailure("read_file: 'offset' must be 1 or more (lines are numbered from 1), got \(offset)")
        }
        guard limit >= 1 else { throw ToolFailure("read_file: 'limit' must be 1 or more, got \(limit)") }

        let target = try access.resolve(path)
        let text = try Self.readText(target, tool: "read_file")
        if text.isEmpty { return ToolOutcome(content: "(\(target.relative) is empty)") }

        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if text.hasSuffix("\n") { lines.removeLast() }
        guard offset <= lines.count else {
            throw ToolFailure(
                "read_file: offset \(offset) is past the end of '\(target.relative)', which has \(lines.count) lines")
        }
        // `limit` comes from the model and may be Int.max: clamp before adding.
        let last = offset - 1 + min(limit, lines.count - offset + 1)
        var output = ""
        for number in offset...last {
            if numbered {
                let label = String(number)
                output += String(repeating: " ", count: max(0, 6 - label.count)) + label + "\t"
            }
            output += lines[number - 1]
            output += "\n"
        }
        if last < lines.count {
            output +=
                "\n[Lines \(offset)–\(last) of \(lines.count). Call read_file with offset=\(last + 1) to read more.]"
        } else if output.hasSuffix("\n"), !text.hasSuffix("\n") {
            output.removeLast()  // Keep "no newline at end of file" visible to the model.
        }
        return ToolOutcome(content: output)
    }

    /// A file's content as text, refusing what is not a readable, reasonably sized UTF-8 text file.
    static func readText(_ target: WorkspacePath, tool: String) throws(ToolFailure) -> String {
        guard let info = FileSystem.info(target.absolute) else {
            throw ToolFailure(
                "\(tool): '\(target.relative)' does not exist. Use list_dir or glob to find the right path.")
        }
        guard info.kind != .directory else {
            throw ToolFailure("\(tool): '\(target.relative)' is a directory; use list_dir to see its entries")
        }
        let bytes = try FileSystem.readBytes(target.absolute, displayPath: target.relative, maxBytes: maxFileBytes)
        guard !FileSystem.looksBinary(bytes), let text = String(validating: bytes, as: UTF8.self) else {
            throw ToolFailure(
                "\(tool): '\(target.relative)' looks like a binary file (\(bytes.count) bytes, not UTF-8 text); this tool only handles text"
            )
        }
        return text
    }
}
