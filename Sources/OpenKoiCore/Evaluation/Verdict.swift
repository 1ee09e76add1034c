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

    public init(id: String, severity: Severity, dimension: String, title: String, description: String = "", fix: String? = nil) {
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

/// The evaluator's judgement of one attempt.
public struct Verdict: Sendable, Hashable {
    public var dimensions: [DimensionScore]
    public var findings: [Finding]
    public var suggestion: String?
    /// Plan steps the judge says are missing.
    public var missingSteps: [String]
    public var usage: TokenUsage
    /// The test run behind the `tests` dimension, when there was one.
    public var tests: TestRunReport?

    public init(
        dimensions: [DimensionScore], findings: [Finding], suggestion: String? = nil, missingSteps: [String] = [],
        usage: TokenUsage = .zero, tests: TestRunReport? = nil
    ) {
        self.dimensions = dimensions
        self.findings = findings
        self.suggestion = suggestion
        self.missingSteps = missingSteps
        self.usage = usage
        self.tests = tests
    }

    /// Weighted mean over the scored dimensions; `nil` when nothing could be scored (never a guessed 0.5).
    public var score: Double? {
        guard !dimensions.isEmpty else { return nil }
        let totalWeight = dimensions.reduce(0) { $0 + max(0, $1.weight) }
        if totalWeight <= 0 { return dimensions.reduce(0) { $0 + $1.score } / Double(dimensions.count) }
        return dimensions.reduce(0) { $0 + $1.score * max(0, $1.weight) } / totalWeight
    }

    /// Findings worth another iteration (suggestions alone are not).
    public var actionableFindings: [Finding] { findings.filter { $0.severity != .suggestion } }
}
