/// `[pipeline]`: how many workers each stage runs, and the admission limit that keeps the refine
/// cycle from deadlocking (DESIGN.md §2).
public struct PipelineConfig: Sendable, Equatable {
    public var planners: Int
    public var executors: Int
    public var evaluators: Int
    /// Tasks admitted between the planner and their final verdict.
    public var maxInFlight: Int

    public init(planners: Int = 2, executors: Int = 4, evaluators: Int = 4, maxInFlight: Int = 16) {
        self.planners = planners
        self.executors = executors
        self.evaluators = evaluators
        self.maxInFlight = maxInFlight
    }

    /// The most workers or in-flight tasks a stage takes (as `openkoi batch --concurrency`): more only
    /// queue inside the model server, and a typo must not exhaust memory.
    public static let maxWorkers = 256

    init(reading table: ConfigTableReader) throws(ConfigError) {
        self.init()
        let most = Self.maxWorkers
        if let value = try table.integer("planners", atLeast: 1, atMost: most) { planners = value }
        if let value = try table.integer("executors", atLeast: 1, atMost: most) { executors = value }
        if let value = try table.integer("evaluators", atLeast: 1, atMost: most) { evaluators = value }
        if let value = try table.integer("max_in_flight", atLeast: 1, atMost: most) { maxInFlight = value }
    }
}
