import FoundationEssentials
import Glibc
import OpenKoiCore
import OpenKoiTools

/// Decides whether a trial passed: its check exits 0 in the workspace (after the protected
/// starting files are put back) and its answer meets `expect`.
public struct TrialGrader: Sendable {
    let sandbox: CommandSandbox

    public init(sandbox: CommandSandbox) { self.sandbox = sandbox }

    public struct Grade: Sendable, Hashable {
        public var passed: Bool
        /// Why it failed (the check's output tail, a timeout, an unmet expectation); `nil` when passed.
        public var detail: String?
    }

    public func grade(_ task: BenchTask, workspace: String, answer: String) async -> Grade {
        if let expect = task.expect, !expect.matches(answer) {
            return Grade(passed: false, detail: "the answer does not meet expect (\(expect))")
        }
        guard let check = task.check else { return Grade(passed: true, detail: nil) }
        do {
            try restoreProtectedFiles(check.restore, from: task, into: workspace)
        } catch {
            return Grade(passed: false, detail: "could not restore the protected files: \(error)")
        }
        do {
            let result = try await sandbox.run(
                .shell(check.command), workspace: workspace, extraVariables: ["OPENKOI_BENCH_TASK": task.id],
                timeout: check.timeoutSeconds)
            if result.timedOut {
                return Grade(
                    passed: false,
                    detail: "check timed out after \(NumberText.fixed(check.timeoutSeconds, decimals: 0)) s")
            }
            if result.exitCode == 0 { return Grade(passed: true, detail: nil) }
            let tail = String((result.output + result.errorOutput).suffix(2000))
            return Grade(passed: false, detail: "check exited \(result.exitCode): \(tail)")
        } catch {
            return Grade(passed: false, detail: "check could not run: \(error.message)")
        }
    }

    /// Puts back every starting file whose name matches a pattern, and removes matching files the
    /// trial created (a `conftest.py` the model added would change what the tests do).
    func restoreProtectedFiles(_ patterns: [String], from task: BenchTask, into workspace: String) throws {
        guard !patterns.isEmpty else { return }
        func protected(_ relative: String) -> Bool {
            let name = String(relative.split(separator: "/").last ?? "")
            return patterns.contains { fnmatch($0, name, 0) == 0 }
        }
        var original: Set<String> = []
        if let source = task.files {
            for relative in try regularFiles(under: source, excluding: task.excludedFiles) where protected(relative) {
                original.insert(relative)
                let target = workspace + "/" + relative
                try? FileManager.default.removeItem(atPath: target)
                let parent = String(target[..<(target.lastIndex(of: "/") ?? target.startIndex)])
                try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: source + "/" + relative, toPath: target)
            }
        }
        for relative in try regularFiles(under: workspace, excluding: []) where protected(relative) {
            if !original.contains(relative) { try FileManager.default.removeItem(atPath: workspace + "/" + relative) }
        }
    }

    func regularFiles(under root: String, excluding excluded: Set<String>) throws -> [String] {
        try FileManager.default.subpathsOfDirectory(atPath: root).filter { relative in
            let top = String(relative.split(separator: "/").first ?? "")
            guard !excluded.contains(top) else { return false }
            var info = stat()
            return lstat(root + "/" + relative, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
        }
    }
}
