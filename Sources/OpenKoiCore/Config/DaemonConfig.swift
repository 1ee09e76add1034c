/// `[daemon]`: the background task runner and its durable queue.
public struct DaemonConfig: Sendable, Equatable {
    /// Run tasks that arrive through integrations without asking first.
    public var autoExecute: Bool
    /// Tasks the daemon runs at once.
    public var workers: Int
    /// `requeue` (run again, up to `max_attempts`) or `interrupt` (report it): what a restart does
    /// with a task whose worker died.
    public var onInterrupt: String
    /// Claims of one task before it is reported `interrupted` instead of run again.
    public var maxAttempts: Int
    /// Queued tasks at which the API answers 429.
    public var maxQueued: Int
    /// USD all daemon tasks may spend and reserve in 24 hours; nil: no limit.
    public var dailyBudgetUSD: Double?
    /// How long a worker's claim lasts without renewal.
    public var leaseSeconds: Double
    /// How long `daemon stop` lets running tasks finish before they are cancelled and given back.
    public var shutdownGraceSeconds: Double
    /// Where the queue lives: `sqlite` (the memory database) or a `postgres://` URL.
    public var queue: String

    public static let interruptPolicies = ["requeue", "interrupt"]

    public init(
        autoExecute: Bool = true, workers: Int = 2, onInterrupt: String = "requeue", maxAttempts: Int = 3,
        maxQueued: Int = 1000, dailyBudgetUSD: Double? = nil, leaseSeconds: Double = 30,
        shutdownGraceSeconds: Double = 30, queue: String = "sqlite"
    ) {
        self.autoExecute = autoExecute
        self.workers = workers
        self.onInterrupt = onInterrupt
        self.maxAttempts = maxAttempts
        self.maxQueued = maxQueued
        self.dailyBudgetUSD = dailyBudgetUSD
        self.leaseSeconds = leaseSeconds
        self.shutdownGraceSeconds = shutdownGraceSeconds
        self.queue = queue
    }

    init(reading table: ConfigTableReader) throws(ConfigError) {
        self.init()
        if let value = try table.bool("auto_execute") { autoExecute = value }
        if let value = try table.integer("workers", atLeast: 1, atMost: PipelineConfig.maxWorkers) { workers = value }
        if let value = try table.string("on_interrupt") {
            guard Self.interruptPolicies.contains(value) else {
                throw table.invalid("on_interrupt", "expected \"requeue\" or \"interrupt\", got '\(value)'")
            }
            onInterrupt = value
        }
        if let value = try table.integer("max_attempts", atLeast: 1, atMost: 100) { maxAttempts = value }
        if let value = try table.integer("max_queued", atLeast: 1) { maxQueued = value }
        if let value = try table.number("daily_budget_usd") { dailyBudgetUSD = value }
        if let value = try table.number("lease_seconds", in: 1...3600) { leaseSeconds = value }
        if let value = try table.number("shutdown_grace_seconds", in: 0...3600) { shutdownGraceSeconds = value }
        if let value = try table.string("queue") {
            guard value == "sqlite" || value.hasPrefix("postgres://") || value.hasPrefix("postgresql://") else {
                throw table.invalid("queue", "expected \"sqlite\" or a postgres:// URL, got '\(value)'")
            }
            queue = value
        }
    }
}
