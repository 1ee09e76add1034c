import OpenKoiCore

/// `glob {pattern, path?}`: workspace paths matching a pattern.
struct GlobTool: BuiltinTool {
    let access: WorkspaceAccess

    static let maxResults = 1000

    var definition: ToolDefinition {
        ToolDefinition(
            name: "glob",
            description: """
                Find files by path pattern, relative to `path` (default: the workspace root). `*` and `?` match \
                within one path component, `[abc]` a character class, `**` any number of directories, `{a,b}` \
                alternatives: "**/*.swift" finds Swift files at any depth, "*.md" only at the top. Skips .git, \
                .build* and node_modules. Returns workspace-relative paths, sorted, directories ending in '/'; \
                at most \(Self.maxResults).
                """,
            parameters: Schema.object(
                [
                    "pattern": Schema.string("Glob pattern, e.g. \"**/*.swift\" or \"Sources/**/*Tests.swift\"."),
                    "path": Schema.string(
                        "Directory to search from, relative to the workspace root. Default: the root."),
                ], required: ["pattern"]))
    }

    func run(_ arguments: ToolArguments) async throws(ToolFailure) -> ToolOutcome {
        let patternText = try arguments.string("pattern")
        let pattern = try GlobPattern(patternText)
        let workspace = try access.workspace
        let base = try access.resolve(try arguments.optionalString("path") ?? ".")
        guard FileSystem.info(base.absolute)?.kind == .directory else {
            throw ToolFailure("glob: '\(base.relative)' is not a directory in the workspace")
        }

        let limit = Self.maxResults
        let (found, ending) = await DedicatedThread.runCancellable { cancel in
            var found: [String] = []
            let ending = WorkspaceWalker().walk(base.absolute, cancel: cancel) { components, kind, absolute in
                if pattern.matches(components) {
                    found.append(workspace.relativePath(of: absolute) + (kind == .directory ? "/" : ""))
                    // One extra result tells us there were more than the limit.
                    if found.count > limit { return .stop }
                }
                return kind == .directory && !pattern.mayMatchBelow(components) ? .skipChildren : .continue
            }
            return (found, ending)
        }

        if found.isEmpty {
            let note = ending == .entryCapReached ? " (the search stopped early: too many files)" : ""
            return ToolOutcome(content: "No paths match '\(patternText)' under '\(base.relative)'\(note).")
        }
        var lines = found.prefix(limit).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        switch ending {
        case .stopped:
            lines.append("[More than \(limit) matches; showing the first \(limit). Narrow the pattern or path.]")
        case .entryCapReached: lines.append("[The search stopped early: too many files. Narrow the path.]")
        case .cancelled: lines.append("[Cancelled.]")
        case .finished: break
        }
        return ToolOutcome(content: lines.joined(separator: "\n"))
    }
}
