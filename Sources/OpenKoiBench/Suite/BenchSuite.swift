import FoundationEssentials
import Glibc
import OpenKoiCore

/// The tasks of a suite file or directory, plus what could not be read (named by line or folder;
/// the other tasks still run).
public struct BenchSuite: Sendable {
    /// Absolute path of the suite.
    public var path: String
    public var tasks: [BenchTask]
    public var problems: [SuiteProblem]

    public init(path: String, tasks: [BenchTask], problems: [SuiteProblem] = []) {
        self.path = path
        self.tasks = tasks
        self.problems = problems
    }

    /// Reads a JSONL file (one task per line) or a directory of task folders.
    /// - Throws: `SuiteError` when the path cannot be read at all or holds no task.
    public static func load(path: String) throws(SuiteError) -> BenchSuite {
        let absolute = Self.absolute(path)
        guard FileManager.default.fileExists(atPath: absolute) else {
            throw SuiteError("\(path): no such suite file or directory")
        }
        let suite =
            SuiteFiles.isDirectory(absolute)
            ? try SuiteDirectory.load(absolute) : try SuiteFile.load(absolute)
        guard !suite.tasks.isEmpty || !suite.problems.isEmpty else {
            throw SuiteError(
                "\(path): no tasks (a suite is a JSONL file, or a directory of task folders with task.txt)")
        }
        return suite
    }

    /// A stable digest of every task's definition: a changed suite is a new run, not a resume.
    public var digest: String {
        var hash = StableHash()
        hash.add(path)
        for task in tasks { hash.add(task.fingerprint) }
        return hash.hex
    }

    static func absolute(_ path: String) -> String {
        var result = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        while result.count > 1, result.hasSuffix("/") { result.removeLast() }
        return result
    }
}

/// One task that could not be read.
public struct SuiteProblem: Sendable, Hashable, CustomStringConvertible {
    /// `suite.jsonl:3` or `suite/fix-bug`.
    public var location: String
    public var message: String

    public var description: String { "\(location): \(message)" }
}

public struct SuiteError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ message: String) { description = message }
}

/// FNV-1a, 64-bit: the same text gives the same digest on every run and machine (`Hasher` is seeded per process).
struct StableHash {
    private var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ text: String) {
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x100_0000_01b3
        }
        value ^= 0xff
        value = value &* 0x100_0000_01b3
    }

    var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

enum SuiteFiles {
    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }
}
