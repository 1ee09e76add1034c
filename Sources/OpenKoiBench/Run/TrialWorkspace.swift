import FoundationEssentials
import Glibc
import OpenKoiCore

/// A fresh copy of a task's starting files for one trial, removed when the trial is done.
struct TrialWorkspace: Sendable {
    let path: String

    /// Copies `task.files` (minus the suite's own files) into a new temporary directory.
    static func make(for task: BenchTask, under parent: String) throws -> TrialWorkspace {
        let path = try makeTemporaryDirectory(under: parent, prefix: "trial-")
        if let source = task.files { try copyContents(of: source, to: path, excluding: task.excludedFiles) }
        return TrialWorkspace(path: path)
    }

    /// A copy of this workspace as it is now, for grading one iteration without touching the live one.
    func snapshot(under parent: String) throws -> TrialWorkspace {
        let copy = try Self.makeTemporaryDirectory(under: parent, prefix: "snapshot-")
        try Self.copyContents(of: path, to: copy, excluding: [])
        return TrialWorkspace(path: copy)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    static func copyContents(of source: String, to destination: String, excluding excluded: Set<String>) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: source) where !excluded.contains(name) {
            try FileManager.default.copyItem(atPath: source + "/" + name, toPath: destination + "/" + name)
        }
    }

    static func makeTemporaryDirectory(under parent: String, prefix: String) throws -> String {
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        var template = Array((parent + "/" + prefix + "XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw SuiteError("cannot create a trial workspace under \(parent): \(String(cString: strerror(errno)))")
        }
        return String(cString: made)
    }
}
