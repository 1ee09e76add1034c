public enum Severity: String, Sendable, Hashable, Codable, Comparable {
    case blocker, important, suggestion

    /// Reads the many spellings judges use (`[BLOCKER]`, `critical`, `major`, `minor`…).
    public init(loose text: String) {
        switch text.lowercased().trimmed {
        case "blocker", "critical", "fatal", "error": self = .blocker
        case "important", "major", "high", "warning", "medium": self = .important
        default: self = .suggestion
        }
    }

    private var rank: Int {
        switch self {
        case .blocker: return 0
        case .important: return 1
        case .suggestion: return 2
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// Something the evaluator wants changed.
public struct Finding: Sendable, Hashable, Codable {
    public var id: String
    public var severity: Severity
    public var dimension: String
    public var title: String
    public var description: String
    /// A concrete change that would resolve it, when the evaluator offered one.
    public var fix: String?

    public init(
        id: String, severity: Severity, dimension: String, title: String, description: String = "", fix: String? = nil
    ) {
        self.id = id
        self.severity = severity
        self.dimension = dimension
        self.title = title
        self.description = description
        self.fix = fix
    }
}

public struct DimensionScore: Sendable, Hashable, Codable {
    public var name: String
    public var score: Double
    public var weight: Double

    public init(name: String, score: Double, weight: Double) {
        self.name = name
        self.score = score
        self.weight = weight
    }
}

/// The evaluator's judgement of one attempt: objective signals first, then the judge's opinion.
public struct Verdict: Sendable, Hashable {
    /// Scored dimensions: the judge's rubric dimensions (when it was asked and trusted) plus
    /// `tests` and `files` from the objective checks.
    public var dimensions: [DimensionScore]
    /// What the executor is asked to weigh next: test failures first, then the judge's findings
    /// that survived filtering (capped, deduplicated, no echoes of the answer, nothing that
    /// contradicts a passing test run). The judge's own failures are never here.
    public var findings: [Finding]
    public var suggestion: String?
    /// Plan steps the judge says are missing.
    public var missingSteps: [String]
    public var usage: TokenUsage
    /// The price `usage` is billed at when a fallback model answered; `nil` is the judge binding's.
    public var pricing: ModelPricing? = nil
    /// Tests and expected files, when they were checked.
    public var objective: ObjectiveReport
    /// Why the judge's opinion is missing or not used (it failed, or looks degenerate).
    public var judgeProblem: JudgeProblem?
    /// Why the judge was not asked (evaluation skipped, or failing tests already say what to fix).
    public var judgeSkipped: String?
    /// The judge's rubric scores as it gave them, kept for spotting a degenerate judge across iterations.
    public var judgeScores: [DimensionScore]
    /// Judge findings dropped by the review filter, by reason.
    public var dropped: DroppedFindings

    public init(
        dimensions: [DimensionScore], findings: [Finding], suggestion: String? = nil, missingSteps: [String] = [],
        usage: TokenUsage = .zero, objective: ObjectiveReport = .empty, judgeProblem: JudgeProblem? = nil,
        judgeSkipped: String? = nil, judgeScores: [DimensionScore] = [], dropped: DroppedFindings = DroppedFindings()
    ) {
        self.dimensions = dimensions
        self.findings = findings
        self.suggestion = suggestion
        self.missingSteps = missingSteps
        self.usage = usage
        self.objective = objective
        self.judgeProblem = judgeProblem
        self.judgeSkipped = judgeSkipped
        self.judgeScores = judgeScores
        self.dropped = dropped
    }

    /// The test run behind the `tests` dimension, when there was one.
    public var tests: TestRunReport? { objective.tests }

    /// Weighted mean over the scored dimensions; `nil` when nothing could be scored (never a guessed 0.5).
    public var score: Double? {
        guard !dimensions.isEmpty else { return nil }
        let totalWeight = dimensions.reduce(0) { $0 + max(0, $1.weight) }
        if totalWeight <= 0 { return dimensions.reduce(0) { $0 + $1.score } / Double(dimensions.count) }
        return dimensions.reduce(0) { $0 + $1.score * max(0, $1.weight) } / totalWeight
    }

    /// Findings worth another iteration (suggestions alone are not).
    public var actionableFindings: [Finding] { findings.filter { $0.severity != .suggestion } }

    /// Every test passed, expected files are fine, and the judge (if it spoke) raised no blocker:
    /// an accept on objective grounds, whatever the weighted score.
    public var objectivelyAccepted: Bool {
        guard let tests = objective.tests, tests.succeeded, !objective.hasFailures else { return false }
        return !findings.contains { $0.severity == .blocker }
    }
}

/// Why a judge's verdict could not be used. Recorded and shown; never sent to the executor.
public struct JudgeProblem: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The reply could not be read as a verdict, even after asking again.
        case unparseable
        /// The call failed (provider error).
        case callFailed = "call_failed"
        /// The judge's scores or findings carry no information (see `JudgeHealth`).
        case degenerate
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// Counts of judge findings the review filter dropped.
public struct DroppedFindings: Sendable, Hashable {
    /// Findings that only repeat the answer's text.
    public var echoes = 0
    /// Findings that claim a failure the test run contradicts.
    public var contradicted = 0
    /// Duplicates and findings over the cap.
    public var duplicates = 0

    public init(echoes: Int = 0, contradicted: Int = 0, duplicates: Int = 0) {
        self.echoes = echoes
        self.contradicted = contradicted
        self.duplicates = duplicates
    }

    public var total: Int { echoes + contradicted + duplicates }
}
