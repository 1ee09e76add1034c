/// `[patterns]`: mining recurring tasks from usage and proposing skills for them.
public struct PatternsConfig: Sendable, Equatable {
    public var enabled: Bool
    public var mineIntervalHours: Int
    /// Confidence (0…1) a pattern needs before it is proposed.
    public var minConfidence: Double
    /// Occurrences a pattern needs before it counts.
    public var minSamples: Int
    public var autoPropose: Bool

    public init(
        enabled: Bool = true, mineIntervalHours: Int = 24, minConfidence: Double = 0.7, minSamples: Int = 3,
        autoPropose: Bool = true
    ) {
        self.enabled = enabled
        self.mineIntervalHours = mineIntervalHours
        self.minConfidence = minConfidence
        self.minSamples = minSamples
        self.autoPropose = autoPropose
    }

    init(reading table: ConfigTableReader) throws(ConfigError) {
        self.init()
        if let value = try table.bool("enabled") { enabled = value }
        if let value = try table.integer("mine_interval_hours", atLeast: 1) { mineIntervalHours = value }
        if let value = try table.number("min_confidence", in: 0...1) { minConfidence = value }
        if let value = try table.integer("min_samples", atLeast: 1) { minSamples = value }
        if let value = try table.bool("auto_propose") { autoPropose = value }
    }
}
