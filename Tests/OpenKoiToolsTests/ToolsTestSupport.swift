import FoundationEssentials
import Glibc
import OpenKoiCore
import Testing

@testable import OpenKoiTools

/// A fresh directory per test, removed when the value goes away.
final class TemporaryDirectory {
    /// Absolute and symlink-free, so it compares equal to what `Workspace` resolves.
    let path: String

    init(template: String = "/tmp/openkoi-tools-test-XXXXXX") throws {
        var template = Array(template.utf8CString)
        guard let made = mkdtemp(&template) else { throw TestSetupError("mkdtemp failed") }
        path = Workspace.realPath(String(cString: made)) ?? String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func url(_ relative: String) -> String { path + "/" + relative }

    func write(_ relative: String, _ content: String) throws {
        let full = url(relative)
        try FileManager.default.createDirectory(
            atPath: Workspace.parent(of: full), withIntermediateDirectories: true, attributes: nil)
        guard FileManager.default.createFile(atPath: full, contents: Data(content.utf8)) else {
            throw TestSetupError("cannot write \(full)")
        }
    }

    func writeBytes(_ relative: String, _ bytes: [UInt8]) throws {
        guard FileManager.default.createFile(atPath: url(relative), contents: Data(bytes)) else {
            throw TestSetupError("cannot write \(relative)")
        }
    }

    func makeDirectory(_ relative: String) throws {
        try FileManager.default.createDirectory(
            atPath: url(relative), withIntermediateDirectories: true, attributes: nil)
    }

    func read(_ relative: String) -> String? {
        FileManager.default.contents(atPath: url(relative)).map { String(decoding: $0, as: UTF8.self) }
    }

    func symlink(_ relative: String, pointingTo target: String) throws {
        guard Glibc.symlink(target, url(relative)) == 0 else { throw TestSetupError("symlink failed") }
    }

    func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: url(relative)) }
}

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Permission bits of a path (`stat`), or nil when it does not exist.
func permissions(of path: String) -> mode_t? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return info.st_mode & 0o777
}

/// Whether `pid` is a live process now (a zombie or a vanished pid counts as gone).
func processIsRunning(_ pid: Int32) -> Bool {
    guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return false }
    let text = String(decoding: data, as: UTF8.self)
    guard let close = text.lastIndex(of: ")") else { return false }
    let state = text[text.index(after: close)...].split(separator: " ").first ?? ""
    return state != "Z" && state != "X"
}

/// Whether `pid` is gone. A killed process passes through exit asynchronously, so this retries a
/// bounded number of scheduler yields before deciding — it waits for a kernel state change, not for
/// a duration, and returns at once when the process is already gone.
func processHasExited(_ pid: Int32) -> Bool {
    for _ in 0..<10_000 {
        if !processIsRunning(pid) { return true }
        sched_yield()
    }
    return false
}

extension BuiltinToolBox {
    /// Calls a tool with object arguments.
    func call(_ name: String, _ arguments: [String: JSONValue] = [:]) async -> ToolOutcome {
        await call(ToolCall(id: "call-1", name: name, arguments: .object(arguments)))
    }
}

func makeToolBox(
    _ directory: TemporaryDirectory, policy: CommandPolicy = .allowAll, commandTimeout: Double = 30,
    sandbox: CommandSandbox = CommandSandbox()
) -> BuiltinToolBox {
    BuiltinToolBox(
        workspace: directory.path, toolOutputDir: directory.path + "/.tool-output", policy: policy,
        commandTimeout: commandTimeout, sandbox: sandbox)
}
