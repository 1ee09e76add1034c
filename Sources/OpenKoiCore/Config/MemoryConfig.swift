/// `[memory]`: the learning store's upkeep.
public struct MemoryConfig: Sendable, Equatable {
    public var compaction: Bool
    /// Fraction (0…1) of confidence a learning loses per decay period.
    public var learningDecayRate: Double
    public var maxStorageMB: Int

    public init(compaction: Bool = true, learningDecayRate: Double = 0.05, maxStorageMB: Int = 500) {
        self.compaction = compaction
        self.learningDecayRate = learningDecayRate
        self.maxStorageMB = maxStorageMB
    }

    init(reading table: ConfigTableReader) throws(ConfigError) {
        self.init()
        if let value = try table.bool("compaction") { compaction = value }
        if let value = try table.number("learning_decay_rate", in: 0...1) { learningDecayRate = value }
        if let value = try table.integer("max_storage_mb") { maxStorageMB = value }
    }
}
