/// An evaluation signal that does not come from a model: a workspace's test suite.
///
/// Implemented in OpenKoiTools (it runs subprocesses); the Evaluator turns the report into a
/// weighted `tests` dimension and one finding per failure.
public protocol ObjectiveCheck: Sendable {
    /// Runs the check; `nil` when it does not apply (no test command configured or detected).
    func run() async -> TestRunReport?
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
    /// The last lines of output, for findings when counts could not be parsed.
    public var outputTail: String

    public init(
        command: String, passed: Int, failed: Int, exitCode: Int32, timedOut: Bool = false, failures: [String] = [],
        outputTail: String = ""
    ) {
        self.command = command
        self.passed = passed
        self.failed = failed
        self.exitCode = exitCode
        self.timedOut = timedOut
        self.failures = failures
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
