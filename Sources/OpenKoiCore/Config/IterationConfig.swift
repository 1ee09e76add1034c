/// `[iteration]`: when the plan → execute → evaluate loop stops on its own.
public struct IterationConfig: Sendable, Equatable {
    public var maxIterations: Int
    /// Score (0…1) at which a result is accepted.
    public var qualityThreshold: Double
    /// Minimum score gain per iteration; less than this is a plateau and stops the loop.
    public var improvementThreshold: Double
    /// Wall-clock budget per task.
    public var timeoutSeconds: Double
    public var tokenBudget: Int
    /// Evaluation is skipped when the executor's own confidence is at least this.
    public var skipEvalConfidence: Double

    public init(
        maxIterations: Int = 3, qualityThreshold: Double = 0.8, improvementThreshold: Double = 0.05,
        timeoutSeconds: Double = 300, tokenBudget: Int = 200_000, skipEvalConfidence: Double = 0.95
    ) {
        self.maxIterations = maxIterations
        self.qualityThreshold = qualityThreshold
        self.improvementThreshold = improvementThreshold
        self.timeoutSeconds = timeoutSeconds
        self.tokenBudget = tokenBudget
        self.skipEvalConfidence = skipEvalConfidence
    }

    init(reading table: ConfigTableReader) throws(ConfigError) {
        self.init()
        if let value = try table.integer("max_iterations") { maxIterations = value }
        if let value = try table.number("quality_threshold", in: 0...1) { qualityThreshold = value }
        if let value = try table.number("improvement_threshold", in: 0...1) { improvementThreshold = value }
        if let value = try table.number("timeout_seconds") { timeoutSeconds = value }
        if let value = try table.integer("token_budget") { tokenBudget = value }
        if let value = try table.number("skip_eval_confidence", in: 0...1) { skipEvalConfidence = value }
    }
}
