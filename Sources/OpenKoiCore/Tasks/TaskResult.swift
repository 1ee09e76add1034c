/// Why the iteration loop ended (or continues). Raw values are the names shown to users and in JSON.
public enum Decision: String, Sendable, Hashable, Codable, CaseIterable {
    case `continue`
    /// Score reached the quality threshold.
    case accept
    /// Max iterations reached below the threshold; the best iteration is returned.
    case acceptBest = "accept_best"
    /// The best score stopped improving; the best iteration is returned.
    case plateau
    /// No iteration could be scored (the judge failed or was degenerate, and nothing objective was
    /// measured); the first non-empty answer is returned, unverified.
    case unscored = "accept_unscored"
    case abortRegression = "abort_regression"
    /// Token budget exhausted.
    case abortBudget = "abort_budget"
    /// USD budget exhausted.
    case abortCost = "abort_cost"
    /// Wall-clock budget exhausted (the in-flight call was cancelled).
    case abortTimeout = "abort_timeout"
    /// Too many tool calls, or the model repeated the same call.
    case abortToolLoop = "abort_tool_loop"
    case cancelled
    /// The task could not run (provider error, bad input).
    case failed

    /// Process exit code for a single CLI task ending with this decision (documented in the README).
    public var exitCode: Int32 {
        switch self {
        case .accept, .acceptBest, .plateau, .unscored, .continue: return 0
        case .failed: return 1
        case .abortRegression: return 3
        case .abortBudget: return 4
        case .abortCost: return 5
        case .abortTimeout: return 6
        case .abortToolLoop: return 7
        case .cancelled: return 130
        }
    }

    /// The batch/REST status this decision maps to.
    public var status: TaskStatus {
        switch self {
        case .accept, .continue: return .accepted
        case .acceptBest, .plateau, .unscored: return .acceptedBest
        case .abortRegression, .abortBudget, .abortCost, .abortTimeout, .abortToolLoop, .cancelled: return .stopped
        case .failed: return .failed
        }
    }
}

public enum TaskStatus: String, Sendable, Hashable, Codable {
    case accepted
    case acceptedBest = "accepted_best"
    case stopped
    case failed
}

/// One Execute → Evaluate round.
public struct IterationRecord: Sendable, Hashable {
    public var number: Int
    public var output: String
    public var verdict: Verdict?
    public var usage: TokenUsage
    public var decision: Decision
    /// The attempt acted through tools: its effect is not all in `output`.
    public var usedTools: Bool
    /// What this iteration's calls cost and how long it took (stamped when it is recorded).
    public var costUSD: Double = 0
    public var durationMS: Int = 0

    public init(
        number: Int, output: String, verdict: Verdict?, usage: TokenUsage, decision: Decision, usedTools: Bool = false
    ) {
        self.number = number
        self.output = output
        self.verdict = verdict
        self.usage = usage
        self.decision = decision
        self.usedTools = usedTools
    }

    public var score: Double? { verdict?.score }
}

/// What a finished task hands back to its caller.
public struct TaskResult: Sendable, Hashable {
    public var taskID: String
    public var description: String
    /// The best iteration's output ("" when nothing was produced).
    public var output: String
    /// The best iteration's score; `nil` when no iteration could be scored.
    public var score: Double?
    public var iterations: Int
    public var bestIteration: Int?
    public var decision: Decision
    public var usage: TokenUsage
    public var costUSD: Double
    public var durationMS: Int
    /// Why the task failed or stopped, in words a user can act on.
    public var error: String?
    /// Unresolved findings of the best iteration.
    public var findings: [Finding]
    public var model: String
    /// Why the judge's verdict was not used on some iterations (failed, unreadable, degenerate).
    public var judgeProblems: [String]
    /// `costUSD` by phase (`plan`, `execute`, `evaluate`).
    public var costByPhase: [String: Double] = [:]

    public init(
        taskID: String, description: String, output: String, score: Double?, iterations: Int, bestIteration: Int?,
        decision: Decision, usage: TokenUsage, costUSD: Double, durationMS: Int, error: String?, findings: [Finding],
        model: String, judgeProblems: [String] = []
    ) {
        self.taskID = taskID
        self.description = description
        self.output = output
        self.score = score
        self.iterations = iterations
        self.bestIteration = bestIteration
        self.decision = decision
        self.usage = usage
        self.costUSD = costUSD
        self.durationMS = durationMS
        self.error = error
        self.findings = findings
        self.model = model
        self.judgeProblems = judgeProblems
    }

    public var status: TaskStatus { decision.status }
}
