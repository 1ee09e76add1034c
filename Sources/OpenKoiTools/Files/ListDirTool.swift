import OpenKoiCore

/// `list_dir {path?}`: one directory's entries, sorted, directories marked with `/`.
struct ListDirTool: BuiltinTool {
    let access: WorkspaceAccess

    static let maxEntries = 1000

    var definition: ToolDefinition {
        ToolDefinition(
            name: "list_dir",
            description: """
                List a directory in the workspace (not recursive): one entry per line, sorted, directories end \
                with '/', symbolic links show their target. Hidden entries are included. At most \
                \(Self.maxEntries) entries; use glob for recursive listings.
                """,
            parameters: Schema.object(
                ["path": Schema.string("Directory, relative to the workspace root. Default: the root.")],
                required: []))
    }

    func run(_ arguments: ToolArguments) async throws(ToolFailure) -> ToolOutcome {
        let target = try access.resolve(try arguments.optionalString("path") ?? ".")
        guard let info = FileSystem.info(target.absolute) else {
            throw ToolFailure("list_dir: '\(target.relative)' does not exist")
        }
        guard info.kind == .directory else {
            throw ToolFailure("list_dir: '\(target.relative)' is a file, not a directory; use read_file to read it")
        }
        let absolute = target.absolute
        let entries = try FileSystem.entries(absolute, displayPath: target.relative)
        if entries.isEmpty { return ToolOutcome(content: "(\(target.relative) is empty)") }

        let sorted = entries.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        var lines: [String] = []
        for entry in sorted.prefix(Self.maxEntries) {
            let full = absolute == "/" ? "/" + entry.name : absolute + "/" + entry.name
            switch entry.kind {
            case .directory:
                lines.append(entry.name + "/")
            case .symlink:
                let target = Workspace.linkTarget(full) ?? "?"
                let pointsToDirectory = FileSystem.info(full)?.kind == .directory
                lines.append("\(entry.name)\(pointsToDirectory ? "/" : "") -> \(target)")
            case .file, .other:
                lines.append(entry.name)
            }
        }
        if sorted.count > Self.maxEntries {
            lines.append("[\(sorted.count - Self.maxEntries) more entries not shown; use glob to narrow down]")
        }
        return ToolOutcome(content: lines.joined(separator: "\n"))
    }
}
