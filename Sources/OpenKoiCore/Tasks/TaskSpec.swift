import FoundationEssentials
/// One unit of work as it enters the pipeline (CLI, batch line, REST request).
public struct TaskSpec: Sendable, Hashable {
    public var id: String
    public var description: String
    /// Overrides the session's executor model (`provider/model` or a bare model name).
    public var model: String?
    public var policy: TaskPolicy
    /// The caller's category (`code`, `sql`, …); `nil`: detected from the task's text and workspace.
    public var category: String?

    public init(
        id: String = TaskSpec.newID(), description: String, model: String? = nil, policy: TaskPolicy = TaskPolicy(),
        category: String? = nil
    ) {
        self.id = id
        self.description = description
        self.model = model
        self.policy = policy
        self.category = category
    }

    public static func newID() -> String { UUID().uuidString.lowercased() }
}

/// Limits and thresholds for one task: the iteration rules and every circuit breaker.
public struct TaskPolicy: Sendable, Hashable {
    /// 0 means execute once without evaluating.
    public var maxIterations: Int
    public var qualityThreshold: Double
    /// Best-score gain below this over two iterations is a plateau.
    public var improvementThreshold: Double
    public var tokenBudget: Int
    public var maxCostUSD: Double
    /// Wall-clock budget for the whole task; the in-flight model call is cancelled when it runs out.
    public var timeoutSeconds: Double
    public var abortOnRegression: Bool
    public var regressionThreshold: Double
    public var toolLoop: ToolLoopLimits
    /// Tool-call rounds per execution before the executor stops asking for more.
    public var maxToolRounds: Int
    /// Output tokens asked of the executor per model call.
    public var maxOutputTokens: Int
    /// A trivial question's short answer is not judged when the executor's confidence (its mean
    /// token probability, where the provider reports it) is at least this (`[iteration] skip_eval_confidence`).
    public var skipEvalConfidence: Double

    public init(
        maxIterations: Int = 3, qualityThreshold: Double = 0.8, improvementThreshold: Double = 0.05,
        tokenBudget: Int = 200_000, maxCostUSD: Double = 2.0, timeoutSeconds: Double = 300,
        abortOnRegression: Bool = true, regressionThreshold: Double = 0.2, toolLoop: ToolLoopLimits = ToolLoopLimits(),
        maxToolRounds: Int = 20, maxOutputTokens: Int = 4096, skipEvalConfidence: Double = 0.95
    ) {
        self.maxIterations = maxIterations
        self.qualityThreshold = qualityThreshold
        self.improvementThreshold = improvementThreshold
        self.tokenBudget = tokenBudget
        self.maxCostUSD = maxCostUSD
        self.timeoutSeconds = timeoutSeconds
        self.abortOnRegression = abortOnRegression
        self.regressionThreshold = regressionThreshold
        self.toolLoop = toolLoop
        self.maxToolRounds = maxToolRounds
        self.maxOutputTokens = maxOutputTokens
        self.skipEvalConfidence = skipEvalConfidence
    }
}

/// Cumulative tool calls per task at which the executor warns, tells the model to wrap up, and stops.
public struct ToolLoopLimits: Sendable, Hashable {
    public var warning: Int
    public var critical: Int
    public var circuitBreaker: Int

    public init(warning: Int = 10, critical: Int = 20, circuitBreaker: Int = 30) {
        self.warning = warning
        self.critical = critical
        self.circuitBreaker = circuitBreaker
    }
}
