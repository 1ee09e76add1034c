import FoundationEssentials
import OpenKoiCore

/// Which trial: task × model × iteration setting × trial number.
public struct TrialKey: Sendable, Hashable, Comparable, Codable {
    public var task: String
    public var model: String
    /// The `--iterations` setting (the most iterations the loop may run).
    public var iterations: Int
    /// From 1.
    public var trial: Int

    public init(task: String, model: String, iterations: Int, trial: Int) {
        self.task = task
        self.model = model
        self.iterations = iterations
        self.trial = trial
    }

    public static func < (a: TrialKey, b: TrialKey) -> Bool {
        (a.task, a.model, a.iterations, a.trial) < (b.task, b.model, b.iterations, b.trial)
    }
}

/// One finished trial, as stored and reported.
public struct TrialRecord: Sendable, Hashable, Codable {
    public var key: TrialKey
    /// The final answer and workspace passed the task's grading.
    public var passed: Bool
    /// Whether each iteration's own files and answer passed, in order (graded as it finished).
    public var passedAfter: [Bool]
    /// The judge's score after each iteration (`nil`: not scored).
    public var scores: [Double?]
    public var inputTokens: Int
    public var outputTokens: Int
    public var cacheReadTokens: Int
    public var cacheWriteTokens: Int
    /// `nil` when a model the trial used has no known price.
    public var costUSD: Double?
    public var latencyMS: Int
    /// Time to the executor's first streamed text; `nil` when nothing streamed.
    public var firstTokenMS: Int?
    /// The loop's decision (`accept`, `accept_best`, `abort_timeout`, …).
    public var decision: String
    /// The model that really ran (after failover), `provider/model`.
    public var ranModel: String
    public var error: String?
    /// Why grading failed (check output tail, unmet expect).
    public var gradeDetail: String?
    /// `--regrade`: the judge's scores when asked again about the final judged answer.
    public var regradeScores: [Double?]?
    /// What the re-asks cost (not part of `costUSD`: they are the benchmark's, not the task's).
    public var regradeCostUSD: Double?
    /// The quality bar the trial ran with: a score at or above it is an accepting verdict.
    public var qualityThreshold: Double?

    public init(
        key: TrialKey, passed: Bool, passedAfter: [Bool], scores: [Double?], usage: TokenUsage, costUSD: Double?,
        latencyMS: Int, firstTokenMS: Int?, decision: String, ranModel: String, error: String?,
        gradeDetail: String?
    ) {
        self.key = key
        self.passed = passed
        self.passedAfter = passedAfter
        self.scores = scores
        inputTokens = usage.inputTokens
        outputTokens = usage.outputTokens
        cacheReadTokens = usage.cacheReadTokens
        cacheWriteTokens = usage.cacheWriteTokens
        self.costUSD = costUSD
        self.latencyMS = latencyMS
        self.firstTokenMS = firstTokenMS
        self.decision = decision
        self.ranModel = ranModel
        self.error = error
        self.gradeDetail = gradeDetail
    }

    public var tokens: Int { inputTokens + outputTokens + cacheReadTokens + cacheWriteTokens }
    public var iterationsRun: Int { max(scores.count, passedAfter.count) }

    /// Passed after iteration `k` (from 1): a loop that stopped earlier keeps its last state.
    public func passed(after k: Int) -> Bool {
        guard let last = passedAfter.indices.last else { return passed }
        return passedAfter[min(k - 1, last)]
    }

    /// The judge's score after iteration `k`, carried forward the same way.
    public func score(after k: Int) -> Double? {
        guard let last = scores.indices.last else { return nil }
        return scores[min(k - 1, last)]
    }

    /// The first iteration whose own result passed, if any.
    public var iterationsToPass: Int? { passedAfter.firstIndex(of: true).map { $0 + 1 } }
}
