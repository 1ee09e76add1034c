import FoundationEssentials
import OpenKoiCore

/// Finds habits in the usage history and stores them as patterns (reference §8.3, with the
/// `[patterns]` config honoured and the results kept).
///
/// An actor: one process mines one run at a time. Across processes, `mineIfDue` takes its turn in
/// a write transaction, and saving is an upsert, so a concurrent run cannot duplicate a pattern.
public actor PatternMiner {
    public nonisolated let store: MemoryStore
    public nonisolated let config: PatternsConfig
    /// How far back events count.
    public nonisolated let lookbackDays: Int

    public init(store: MemoryStore, config: PatternsConfig, lookbackDays: Int = 30) {
        self.store = store
        self.config = config
        self.lookbackDays = max(1, lookbackDays)
    }

    /// Mines when `mine_interval_hours` have passed since the last run (in any process) and records
    /// this one; nil when it is not due or `[patterns] enabled = false`.
    public func mineIfDue(now: Date = Date()) async throws(StoreError) -> PatternMiningReport? {
        guard config.enabled else { return nil }
        let interval = TimeInterval(config.mineIntervalHours) * 3600
        guard try await store.claimMining(at: now, interval: interval) else { return nil }
        return try await run(now: now)
    }

    /// Mines now, whatever the interval, and records the run; an empty report when mining is disabled.
    public func mine(now: Date = Date()) async throws(StoreError) -> PatternMiningReport {
        guard config.enabled else { return PatternMiningReport() }
        try await store.recordMining(at: now)
        return try await run(now: now)
    }

    private func run(now: Date) async throws(StoreError) -> PatternMiningReport {
        let since = now.addingTimeInterval(-TimeInterval(lookbackDays) * 86_400)
        let events = try await store.usageEvents(since: since, types: [.task])
        guard !events.isEmpty else { return PatternMiningReport() }
        let found = PatternDetectors.all(events, thresholds: PatternThresholds(config))
        return PatternMiningReport(events: events.count, patterns: try await store.savePatterns(found))
    }
}
