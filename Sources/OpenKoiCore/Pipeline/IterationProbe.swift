/// Looks at a task after each judged iteration, while the workspace still holds that iteration's
/// files and before the loop goes on: `openkoi bench` grades every iteration this way, so a
/// refine curve shows what iteration 2 fixed. Awaited by the evaluator (the next iteration starts
/// only when it returns), so it should be quick.
public protocol IterationProbe: Sendable {
    func inspect(_ iteration: JudgedIteration) async
}

/// One iteration as the evaluator left it.
public struct JudgedIteration: Sendable {
    public var taskID: String
    public var number: Int
    /// The executor's answer for this iteration.
    public var output: String
    /// The judge's score; `nil` when the iteration could not be scored.
    public var score: Double?
    public var decision: Decision
    /// Asks the judge again about this same attempt (bench `--regrade`); `nil` when the model judge
    /// was not asked (an empty or repeated answer, a skipped evaluation).
    public var rejudge: (@Sendable () async -> Rejudged?)?

    public init(
        taskID: String, number: Int, output: String, score: Double?, decision: Decision,
        rejudge: (@Sendable () async -> Rejudged?)? = nil
    ) {
        self.rejudge = rejudge
        self.taskID = taskID
        self.number = number
        self.output = output
        self.score = score
        self.decision = decision
    }
}

/// One more verdict on an attempt already judged, and what asking cost.
public struct Rejudged: Sendable, Hashable {
    public var score: Double?
    public var usage: TokenUsage
    public var costUSD: Double

    public init(score: Double?, usage: TokenUsage, costUSD: Double) {
        self.score = score
        self.usage = usage
        self.costUSD = costUSD
    }
}
