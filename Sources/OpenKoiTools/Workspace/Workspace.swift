import Glibc
import OpenKoiCore

/// The directory the tools act in, and the rule that keeps them there (DESIGN.md §5).
///
/// Every path a model names is resolved the way the kernel would — symlinks followed, `..` applied
/// to real directories — and refused when the result is outside the root. Paths that do not exist
/// yet resolve too (through dangling links as well), so `write_file` cannot escape either.
public struct Workspace: Sendable, Hashable {
    /// The absolute, symlink-free path of the root.
    public let root: String

    /// - Throws: `WorkspaceError` when `root` does not exist or is not a directory.
    public init(root: String) throws(WorkspaceError) {
        guard let real = Self.realPath(root) else {
            throw WorkspaceError("workspace '\(root)' does not exist or cannot be read (\(Self.lastErrorText()))")
        }
        var info = stat()
        guard stat(real, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw WorkspaceError("workspace '\(root)' is not a directory")
        }
        self.root = real
    }

    /// Resolves a model-supplied path (relative to the root, or absolute inside it).
    /// - Throws: `WorkspaceError` naming the path and why it was refused.
    public func resolve(_ path: String) throws(WorkspaceError) -> WorkspacePath {
        guard !path.utf8.contains(0) else { throw WorkspaceError("path contains a NUL byte") }
        let nonEmpty = path.isEmpty ? "." : path
        let candidate = nonEmpty.hasPrefix("/") ? nonEmpty : join(root, nonEmpty)
        let resolved = try resolveFollowingLinks(candidate, original: path)
        guard contains(resolved) else {
            let lexical = Self.normalizedLexically(candidate)
            let why =
                contains(lexical)
                ? "it goes through a symbolic link that points outside, to '\(resolved)'"
                : "it resolves to '\(resolved)'"
            throw WorkspaceError(
                "path '\(path)' is outside the workspace (\(root)): \(why). File tools only work inside the workspace; use a path relative to it."
            )
        }
        return WorkspacePath(absolute: resolved, relative: relativePath(of: resolved))
    }

    /// Workspace-relative form of an absolute path inside the workspace ("." for the root itself).
    func relativePath(of absolute: String) -> String {
        if absolute == root { return "." }
        let prefix = root == "/" ? "/" : root + "/"
        return absolute.hasPrefix(prefix) ? String(absolute.dropFirst(prefix.count)) : absolute
    }

    private func contains(_ absolute: String) -> Bool { Self.path(absolute, isInside: root) }

    /// `path` is `directory` or below it (both absolute and normalized).
    static func path(_ path: String, isInside directory: String) -> Bool {
        directory == "/" || path == directory || path.hasPrefix(directory + "/")
    }

    private func join(_ base: String, _ tail: String) -> String {
        base == "/" ? "/" + tail : base + "/" + tail
    }

    /// Walks the path one component at a time as the kernel does: `..` goes to the parent of the
    /// (already symlink-free) path so far, and every symlink — dangling ones included, since writing
    /// through one creates its target — is replaced by its target. Missing components are kept as
    /// they are: they cannot be links.
    private func resolveFollowingLinks(_ candidate: String, original: String) throws(WorkspaceError) -> String {
        var pending = ArraySlice(Self.components(candidate))
        var resolved = "/"
        var linksFollowed = 0
        while let component = pending.popFirst() {
            switch component {
            case ".":
                continue
            case "..":
                resolved = Self.parent(of: resolved)
            default:
                let next = join(resolved, component)
                guard let target = Self.linkTarget(next) else {
                    resolved = next
                    continue
                }
                linksFollowed += 1
                // The kernel's own limit (MAXSYMLINKS); beyond it the path is a loop or an attack.
                guard linksFollowed <= 40 else {
                    throw WorkspaceError("path '\(original)' has too many levels of symbolic links (a loop?)")
                }
                pending = ArraySlice(Self.components(target) + pending)
                if target.hasPrefix("/") { resolved = "/" }
            }
        }
        return resolved
    }

    private static func components(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    static func realPath(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    /// The target of a symbolic link, or nil when `path` is not one.
    static func linkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), path != "/" else { return "/" }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }

    /// `..` and `.` applied without looking at the disk; only used to explain a refusal.
    static func normalizedLexically(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { _ = parts.popLast() } else { parts.append(part) }
        }
        return "/" + parts.joined(separator: "/")
    }

    static func lastErrorText() -> String { String(cString: strerror(errno)) }
}

/// A path inside the workspace.
public struct WorkspacePath: Sendable, Hashable {
    /// Absolute and symlink-free (for the part that exists).
    public let absolute: String
    /// Relative to the workspace root; "." for the root.
    public let relative: String
}

/// A path the tools refused, with the reason in words a model (or user) can act on.
public struct WorkspaceError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String

    init(_ message: String) { self.message = message }

    public var description: String { message }
}
