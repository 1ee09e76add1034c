import Glibc
import OpenKoiCore

/// The engine's view of the workspace's files (`WorkspaceFiles`): the snapshot shown to the model
/// before its first step, and the checkpoints that put the best iteration's files back. Confined
/// to the workspace by the same resolution rules as the tools.
public struct WorkspaceFileStore: WorkspaceFiles {
    private let access: WorkspaceAccess
    /// Files listed in a snapshot, at most.
    static let maxListed = 200
    /// Larger files are never shown whole or checkpointed.
    static let maxFileBytes = 1 << 20

    public init(workspace: String) {
        access = WorkspaceAccess(Result { () throws(WorkspaceError) in try Workspace(root: workspace) })
    }

    public func snapshot(characterBudget: Int, mentioned: [String]) async -> WorkspaceSnapshot {
        guard let workspace = try? access.workspace else { return WorkspaceSnapshot() }
        let root = workspace.root
        let listing = await DedicatedThread.runCancellable { cancel in Self.list(root, cancel: cancel) }
        var snapshot = WorkspaceSnapshot(
            files: Array(listing.files.prefix(Self.maxListed)), unlisted: max(0, listing.files.count - Self.maxListed),
            testFiles: listing.files.filter(TestFiles.isTestFile))
        // Named files first, then sources, then tests (they show what "done" means), each in path order.
        let named = mentioned.compactMap { try? workspace.resolve($0).relative }.filter(listing.files.contains)
        let rest = listing.files.filter { !named.contains($0) }
        let ordered = named + rest.filter { !TestFiles.isTestFile($0) } + rest.filter(TestFiles.isTestFile)
        var left = characterBudget
        for path in ordered where left > 0 {
            guard let text = Self.text(root + "/" + path), !text.isEmpty, text.count <= left else { continue }
            left -= text.count
            snapshot.contents.append(WorkspaceSnapshot.FileText(path: path, text: text))
        }
        return snapshot
    }

    public func contents(of paths: [String]) async -> [String: String?] {
        guard let workspace = try? access.workspace else { return [:] }
        var result: [String: String?] = [:]
        for path in paths {
            guard let resolved = try? workspace.resolve(path), resolved.relative != "." else { continue }
            result[resolved.relative] = .some(Self.text(resolved.absolute))
        }
        return result
    }

    public func restore(_ contents: [String: String?]) async throws -> [String] {
        let workspace: Workspace
        do { workspace = try access.workspace } catch { throw WorkspaceError(error.message) }
        var changed: [String] = []
        for (path, text) in contents.sorted(by: { $0.key < $1.key }) {
            let target = try workspace.resolve(path)
            let current = Self.text(target.absolute)
            guard current != text else { continue }
            do throws(ToolFailure) {
                if let text {
                    try FileSystem.createDirectories(
                        Workspace.parent(of: target.absolute), mode: 0o755, displayPath: target.relative)
                    let mode = FileSystem.info(target.absolute)?.mode ?? 0o644
                    try FileSystem.writeAtomically(
                        target.absolute, bytes: text.utf8, mode: mode, displayPath: target.relative)
                } else if FileSystem.info(target.absolute, followLinks: false)?.kind == .file {
                    guard unlink(target.absolute) == 0 else {
                        throw FileSystem.failure("cannot remove '\(target.relative)'")
                    }
                }
            } catch {
                throw WorkspaceError(error.message)
            }
            changed.append(target.relative)
        }
        return changed
    }

    public func isTestFile(_ path: String) -> Bool { TestFiles.isTestFile(path) }

    /// A regular text file's content, or nil (missing, binary, too large, not a regular file).
    static func text(_ absolute: String) -> String? {
        guard FileSystem.info(absolute)?.kind == .file,
            let bytes = try? FileSystem.readBytes(absolute, displayPath: absolute, maxBytes: maxFileBytes),
            !FileSystem.looksBinary(bytes)
        else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Regular files under `root`, relative and sorted; hidden files and caches are left out.
    static func list(_ root: String, cancel: CancellationFlag) -> (files: [String], ending: WorkspaceWalker.Ending) {
        var files: [String] = []
        var walker = WorkspaceWalker()
        walker.maxEntries = 20_000
        let ending = walker.walk(root, cancel: cancel) { components, kind, _ in
            guard let name = components.last else { return .continue }
            if name.hasPrefix(".") || name == "__pycache__" || name == "target" || name == "dist" {
                return .skipChildren
            }
            if kind == .file, !name.hasSuffix(".pyc") { files.append(components.joined(separator: "/")) }
            return .continue
        }
        return (files.sorted(), ending)
    }
}
