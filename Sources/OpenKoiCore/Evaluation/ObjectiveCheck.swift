/// Evaluation signals that do not come from a model: the workspace's test suite, and the files a
/// task says to create (they exist and parse).
///
/// Implemented in OpenKoiTools (it runs subprocesses); the evaluator turns the report into weighted
/// `tests` / `files` dimensions and findings. Objective signals outrank the judge.
public protocol ObjectiveCheck: Sendable {
    func run(_ request: ObjectiveCheckRequest) async -> ObjectiveReport
}

public struct ObjectiveCheckRequest: Sendable, Hashable {
    /// Run the test suite (the attempt changed files, or the task is about code).
    public var runTests: Bool
    /// Workspace-relative files the task says to create.
    public var expectedFiles: [String]

    public init(runTests: Bool, expectedFiles: [String] = []) {
        self.runTests = runTests
        self.expectedFiles = expectedFiles
    }
}

public struct ObjectiveReport: Sendable, Hashable {
    public var tests: TestRunReport?
    /// Why the workspace's tests were not run although it has a test command (not approved).
    public var testsNotRun: String?
    public var files: [FileCheckResult]

    public init(tests: TestRunReport? = nil, testsNotRun: String? = nil, files: [FileCheckResult] = []) {
        self.tests = tests
        self.testsNotRun = testsNotRun
        self.files = files
    }

    public static let empty = ObjectiveReport()

    /// Something objective failed: a test, or an expected file is missing or does not parse.
    public var hasFailures: Bool {
        (tests.map { !$0.succeeded } ?? false) || files.contains { $0.problem != nil }
    }

    /// Some objective signal was measured.
    public var measuredAnything: Bool { tests != nil || !files.isEmpty }
}

/// One expected file, checked.
public struct FileCheckResult: Sendable, Hashable {
    public var path: String
    /// Missing, or does not parse; `nil` when fine.
    public var problem: String?
    /// What checked it (`python3 ast`, `JSON`, `TOML`), when a parser for its type was available.
    public var checker: String?

    public init(path: String, problem: String?, checker: String? = nil) {
        self.path = path
        self.problem = problem
        self.checker = checker
    }
}

public struct TestRunReport: Sendable, Hashable {
    /// The command line that ran, e.g. `swift test`.
    public var command: String
    public var passed: Int
    public var failed: Int
    public var exitCode: Int32
    public var timedOut: Bool
    /// Names (or one-line summaries) of failed tests.
    public var failures: [String]
    /// The first lines of each failed test's assertion output, by name (when they could be found).
    public var failureOutput: [String: String]
    /// The last lines of output, for findings when counts could not be parsed.
    public var outputTail: String

    public init(
        command: String, passed: Int, failed: Int, exitCode: Int32, timedOut: Bool = false, failures: [String] = [],
        failureOutput: [String: String] = [:], outputTail: String = ""
    ) {
        self.command = command
        self.passed = passed
        self.failed = failed
        self.exitCode = exitCode
        self.timedOut = timedOut
        self.failures = failures
        self.failureOutput = failureOutput
        self.outputTail = outputTail
    }

    /// All tests ran and none failed.
    public var succeeded: Bool { exitCode == 0 && failed == 0 && !timedOut }

    /// Pass ratio in 0…1; a failing run with no parsed counts scores 0, a clean one 1.
    public var score: Double {
        let total = passed + failed
        if total == 0 { return succeeded ? 1 : 0 }
        return timedOut ? 0 : Double(passed) / Double(total)
    }
}
