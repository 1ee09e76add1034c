import OpenKoiCore

/// Depth-first walk of a directory tree for glob and grep, in sorted order so results are stable.
///
/// Symbolic links are reported but never descended into (no loops, no escaping the workspace);
/// version-control and build-output directories are skipped below the starting point, since
/// they are large and never what a search means.
struct WorkspaceWalker: Sendable {
    enum Step {
        case `continue`
        case skipChildren
        case stop
    }

    enum Ending: Sendable, Equatable {
        case finished
        /// The visitor asked to stop (it had enough results).
        case stopped
        case entryCapReached
        case cancelled
    }

    /// The walk ends after this many entries, so a search from `/`-like roots still returns.
    var maxEntries = 200_000

    static func isSkipped(directory name: String) -> Bool {
        name == ".git" || name.hasPrefix(".build") || name == "node_modules"
    }

    /// Visits every entry below `directory`; `visit` gets the path components relative to it.
    func walk(
        _ directory: String, cancel: CancellationFlag,
        visit: ([Substring], FileSystem.Kind, _ absolute: String) -> Step
    ) -> Ending {
        var visited = 0
        // Each frame: an absolute directory path and its components relative to the start.
        var stack: [(absolute: String, components: [Substring])] = [(directory, [])]
        while let frame = stack.popLast() {
            if cancel.isCancelled { return .cancelled }
            guard let entries = try? FileSystem.entries(frame.absolute, displayPath: frame.absolute) else { continue }
            var subdirectories: [(absolute: String, components: [Substring])] = []
            for entry in entries.sorted(by: { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }) {
                visited += 1
                if visited > maxEntries { return .entryCapReached }
                let absolute = frame.absolute == "/" ? "/" + entry.name : frame.absolute + "/" + entry.name
                let components = frame.components + [Substring(entry.name)]
                if entry.kind == .directory, Self.isSkipped(directory: entry.name) { continue }
                switch visit(components, entry.kind, absolute) {
                case .stop: return .stopped
                case .skipChildren: continue
                case .continue:
                    if entry.kind == .directory { subdirectories.append((absolute, components)) }
                }
            }
            // Reversed so the alphabetically first subdirectory is popped first.
            stack.append(contentsOf: subdirectories.reversed())
        }
        return .finished
    }
}
