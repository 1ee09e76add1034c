import OpenKoiCore

/// `write_file {path, content}`: creates or replaces a file atomically.
struct WriteFileTool: BuiltinTool {
    let access: WorkspaceAccess

    var definition: ToolDefinition {
        ToolDefinition(
            name: "write_file",
            description: """
                Create a file, or replace an existing file's whole content, in the workspace. Missing parent \
                directories are created. The write is atomic: readers see the old or the new file, never a \
                partial one. To change part of a file, prefer edit_file.
                """,
            parameters: Schema.object(
                [
                    "path": Schema.string("File path, relative to the workspace root (or absolute inside it)."),
                    "content": Schema.string("The complete new content of the file."),
                ], required: ["path", "content"]))
    }

    func run(_ arguments: ToolArguments) async throws(ToolFailure) -> ToolOutcome {
        let path = try arguments.string("path")
        let content = try arguments.string("content")
        let target = try access.resolve(path)
        guard target.relative != "." else {
            throw ToolFailure("write_file: '\(path)' is the workspace root, not a file")
        }

        let existing = FileSystem.info(target.absolute)
        if existing?.kind == .directory {
            throw ToolFailure("write_file: '\(target.relative)' is a directory; give a file path inside it")
        }
        try FileSystem.createDirectories(
            Workspace.parent(of: target.absolute), mode: 0o755, displayPath: target.relative)
        // Keep an existing file's permissions (an executable script stays executable).
        let mode = existing?.mode ?? 0o644
        try FileSystem.writeAtomically(target.absolute, bytes: content.utf8, mode: mode, displayPath: target.relative)

        let lines = ToolOutputTruncator.lineCount(content.utf8)
        let verb = existing == nil ? "Created" : "Replaced"
        return ToolOutcome(
            content: "\(verb) \(target.relative) (\(content.utf8.count) bytes, \(lines) lines).",
            modifiedPath: target.relative)
    }
}
