import FoundationEssentials
import OpenKoiCore

/// What a pattern says about the user's work; the raw values are `usage_patterns.pattern_type`.
public enum PatternType: String, Sendable, Hashable, CaseIterable {
    /// Tasks of one category keep coming (the original's detector).
    case recurring
    /// Tasks cluster at one hour of the day (UTC).
    case timeBased = "time_based"
    /// A task of category A is followed by one of category B.
    case workflow
    /// The same task, numbers and paths aside, on several days: categories alone are coarse.
    case recurringTask = "recurring_task"
}

/// Where a pattern is in review; the raw values are `usage_patterns.status`.
public enum PatternStatus: String, Sendable, Hashable, CaseIterable {
    case detected, proposed, approved, dismissed
}

/// A pattern found in one mining run, before it is stored.
struct DetectedPattern: Sendable, Hashable {
    var type: PatternType
    var description: String
    var frequency: String
    var confidence: Double
    var sampleCount: Int
    var firstSeen: Date
    var lastSeen: Date
    /// The evidence (`trigger_json`): categories, hours, weekdays, example task texts.
    var evidence: JSONValue
}

/// A `usage_patterns` row.
public struct UsagePattern: Sendable, Hashable {
    public var id: String
    public var type: PatternType
    public var description: String
    public var frequency: String
    public var confidence: Double
    public var sampleCount: Int
    public var firstSeen: String?
    public var lastSeen: String?
    /// What the miner saw (`trigger_json`); `.null` when the row has none (the original wrote none).
    public var evidence: JSONValue
    /// The folder under `skills/proposed/` (later `skills/user/`) proposed for it.
    public var proposedSkill: String?
    public var status: PatternStatus

    public init(
        id: String, type: PatternType, description: String, frequency: String, confidence: Double, sampleCount: Int,
        firstSeen: String? = nil, lastSeen: String? = nil, evidence: JSONValue = .null, proposedSkill: String? = nil,
        status: PatternStatus = .detected
    ) {
        self.id = id
        self.type = type
        self.description = description
        self.frequency = frequency
        self.confidence = confidence
        self.sampleCount = sampleCount
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.evidence = evidence
        self.proposedSkill = proposedSkill
        self.status = status
    }

    /// Task texts the pattern was seen in, newest first (from the evidence).
    public var examples: [String] { evidence["examples"]?.arrayValue?.compactMap(\.stringValue) ?? [] }

    /// The task categories the evidence names.
    public var categories: [String] { evidence["categories"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
}

/// The thresholds of `[patterns]` a pattern must meet to be kept.
public struct PatternThresholds: Sendable, Hashable {
    public var minConfidence: Double
    public var minSamples: Int

    public init(minConfidence: Double, minSamples: Int) {
        self.minConfidence = minConfidence
        self.minSamples = max(1, minSamples)
    }

    public init(_ config: PatternsConfig) {
        self.init(minConfidence: config.minConfidence, minSamples: config.minSamples)
    }
}

/// What one mining run found.
public struct PatternMiningReport: Sendable, Hashable {
    /// Task events in the lookback window.
    public var events: Int
    /// The patterns that met the thresholds, as stored (their status kept from earlier runs).
    public var patterns: [UsagePattern]

    public init(events: Int = 0, patterns: [UsagePattern] = []) {
        self.events = events
        self.patterns = patterns
    }
}
