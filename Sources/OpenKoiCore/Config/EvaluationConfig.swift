/// `[evaluation]`: how the evaluator checks work beyond asking a model.
public struct EvaluationConfig: Sendable, Equatable {
    /// The workspace's test command; `nil` lets the evaluator detect one (or run none).
    public var testCommand: String?
    public var testTimeoutSeconds: Double
    /// Whether tests run during evaluation at all.
    public var runTests: Bool

    public init(testCommand: String? = nil, testTimeoutSeconds: Double = 120, runTests: Bool = true) {
        self.testCommand = testCommand
        self.testTimeoutSeconds = testTimeoutSeconds
        self.runTests = runTests
    }

    init(reading table: ConfigTableReader) throws(ConfigError) {
        self.init()
        testCommand = try table.string("test_command")
        if let value = try table.number("test_timeout_seconds") { testTimeoutSeconds = value }
        if let value = try table.bool("run_tests") { runTests = value }
    }
}
