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

    init(reading table: ConfigTableReader) throws(ConfigError) {
        self.init()
        if let value = try table.integer("planners", atLeast: 1) { planners = value }
        if let value = try table.integer("executors", atLeast: 1) { executors = value }
        if let value = try table.integer("evaluators", atLeast: 1) { evaluators = value }
        if let value = try table.integer("max_in_flight", atLeast: 1) { maxInFlight = value }
    }
}
