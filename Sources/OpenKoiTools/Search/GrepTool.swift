import Glibc
import OpenKoiCore

/// `grep {pattern, path?, glob?, ignore_case?}`: regex search over text files.
struct GrepTool: BuiltinTool {
    let access: WorkspaceAccess

    static let maxMatches = 500
    static let maxLineLength = 300
    /// Larger files are skipped: they are data or generated, and reading them would stall the search.
    static let maxFileBytes = 8 << 20
    /// A search that takes longer is abandoned (its thread is left to finish) and reported.
    var maxSeconds: Double = 30

    var definition: ToolDefinition {
        ToolDefinition(
            name: "grep",
            description: """
                Search file contents with a regular expression (Swift/PCRE-style syntax: \\d, \\w, \\b, (?:…), \
                alternation). `path` may be a file or a directory (default: the workspace root; searched \
                recursively, skipping .git, .build*, node_modules, binary files and files over \
                \(Self.maxFileBytes >> 20) MiB). Results are `file:line: text`, at most \(Self.maxMatches).
                """,
            parameters: Schema.object(
                [
                    "pattern": Schema.string("Regular expression to search for, e.g. \"func \\\\w+Tool\"."),
                    "path": Schema.string(
                        "File or directory to search, relative to the workspace root. Default: the root."),
                    "glob": Schema.string(
                        "Only search files whose name matches this glob (e.g. \"*.swift\"); a glob containing '/' matches the path relative to `path`."
                    ),
                    "ignore_case": Schema.boolean("Match letters case-insensitively. Default false."),
                ], required: ["pattern"]))
    }

    func run(_ arguments: ToolArguments) async throws(ToolFailure) -> ToolOutcome {
        let pattern = try arguments.string("pattern")
        let ignoreCase = try arguments.optionalBool("ignore_case") ?? false
        let filter = try arguments.optionalString("glob").flatMap { $0.isEmpty ? nil : $0 }
        let filterPattern = try filter.map { text throws(ToolFailure) in try GlobPattern(text) }
        let workspace = try access.workspace
        let base = try access.resolve(try arguments.optionalString("path") ?? ".")
        guard let baseInfo = FileSystem.info(base.absolute) else {
            throw ToolFailure("grep: '\(base.relative)' does not exist")
        }
        do {
            _ = try Regex(pattern)
        } catch {
            throw ToolFailure("grep: invalid regular expression '\(pattern)': \(error)")
        }
        if let nested = RegexRisk.nestedRepetition(in: pattern) {
            throw ToolFailure(
                "grep: the pattern repeats a group that itself repeats ('\(nested)'), which can take exponential "
                    + "time on a line that almost matches; drop the inner or the outer repetition (e.g. 'a+' "
                    + "instead of '(a+)+')")
        }

        let search = Search(
            pattern: pattern, ignoreCase: ignoreCase, filter: filterPattern,
            filterMatchesPath: filter?.contains("/") ?? false,
            workspace: workspace, base: base, baseIsDirectory: baseInfo.kind == .directory)
        let result: Search.Result
        switch await DedicatedThread.runAbandonable(timeout: maxSeconds, { search.run(cancel: $0) }) {
        case .finished(let finished): result = finished
        case .cancelled: throw ToolFailure("grep: cancelled")
        case .timedOut:
            throw ToolFailure(
                "grep: stopped after \(NumberText.plain(maxSeconds)) s; the pattern may backtrack badly on long lines. "
                    + "Use a simpler pattern, or narrow the path or glob.")
        }

        if result.lines.isEmpty {
            let scope = result.filesSearched == 1 ? "1 file" : "\(result.filesSearched) files"
            return ToolOutcome(content: "No matches for /\(pattern)/ in '\(base.relative)' (\(scope) searched).")
        }
        var output = result.lines.joined(separator: "\n")
        if result.hitLimit {
            output += "\n[Stopped at \(Self.maxMatches) matches; narrow the pattern, path or glob to see the rest.]"
        } else if result.ending == .entryCapReached {
            output += "\n[The search stopped early: too many files. Narrow the path.]"
        }
        return ToolOutcome(content: output)
    }

    /// The search itself; runs on a dedicated thread (Regex is not Sendable, so it is compiled there).
    private struct Search: Sendable {
        let pattern: String
        let ignoreCase: Bool
        let filter: GlobPattern?
        let filterMatchesPath: Bool
        let workspace: Workspace
        let base: WorkspacePath
        let baseIsDirectory: Bool

        struct Result: Sendable {
            var lines: [String] = []
            var filesSearched = 0
            var hitLimit = false
            var ending: WorkspaceWalker.Ending = .finished
        }

        func run(cancel: CancellationFlag) -> Result {
            guard var regex = try? Regex(pattern) else { return Result() }
            if ignoreCase { regex = regex.ignoresCase() }
            var result = Result()
            if !baseIsDirectory {
                search(file: base.absolute, regex: regex, cancel: cancel, into: &result)
                return result
            }
            let ending = WorkspaceWalker().walk(base.absolute, cancel: cancel) { components, kind, absolute in
                guard kind == .file else { return .continue }
                if let filter {
                    let subject = filterMatchesPath ? components : components.suffix(1)
                    if !filter.matches(Array(subject)) { return .continue }
                }
                search(file: absolute, regex: regex, cancel: cancel, into: &result)
                return result.hitLimit || cancel.isCancelled ? .stop : .continue
            }
            result.ending = ending
            return result
        }

        private func search(
            file absolute: String, regex: Regex<AnyRegexOutput>, cancel: CancellationFlag, into result: inout Result
        ) {
            guard let info = FileSystem.info(absolute), info.kind == .file, info.size <= GrepTool.maxFileBytes,
                let prefix = FileSystem.prefix(absolute, count: 8192), !FileSystem.looksBinary(prefix),
                let bytes = try? FileSystem.readBytes(absolute, displayPath: absolute, maxBytes: GrepTool.maxFileBytes)
            else { return }
            result.filesSearched += 1
            let text = String(decoding: bytes, as: UTF8.self)
            let relative = workspace.relativePath(of: absolute)
            var number = 0
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                number += 1
                if number % 256 == 0, cancel.isCancelled { return }
                guard line.contains(regex) else { continue }
                if result.lines.count >= GrepTool.maxMatches {
                    result.hitLimit = true
                    return
                }
                var shown = String(line.hasSuffix("\r") ? line.dropLast() : line)
                if shown.count > GrepTool.maxLineLength { shown = shown.prefix(GrepTool.maxLineLength) + "…" }
                result.lines.append("\(relative):\(number): \(shown)")
            }
        }
    }
}
