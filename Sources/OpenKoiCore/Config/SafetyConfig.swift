/// `[safety]`: circuit breakers that stop a task however well it seems to be going.
public struct SafetyConfig: Sendable, Equatable {
    public var maxCostUSD: Double
    /// Stop when a score drops by more than `regressionThreshold` from the best so far.
    public var abortOnRegression: Bool
    public var regressionThreshold: Double
    public var toolLoop: ToolLoopConfig

    public init(
        maxCostUSD: Double = 2.0, abortOnRegression: Bool = true, regressionThreshold: Double = 0.2,
        toolLoop: ToolLoopConfig = ToolLoopConfig()
    ) {
        self.maxCostUSD = maxCostUSD
        self.abortOnRegression = abortOnRegression
        self.regressionThreshold = regressionThreshold
        self.toolLoop = toolLoop
    }

    init(reading table: ConfigTableReader) throws(ConfigError) {
        self.init()
        if let value = try table.number("max_cost_usd") { maxCostUSD = value }
        if let value = try table.bool("abort_on_regression") { abortOnRegression = value }
        if let value = try table.number("regression_threshold", in: 0...1) { regressionThreshold = value }
        if let value = try table.section("tool_loop", ToolLoopConfig.init(reading:)) { toolLoop = value }
    }
}

/// `[safety.tool_loop]`: tool calls per executor turn at which the agent is warned, warned hard, and stopped.
public struct ToolLoopConfig: Sendable, Equatable {
    public var warning: Int
    public var critical: Int
    public var circuitBreaker: Int

    public init(warning: Int = 10, critical: Int = 20, circuitBreaker: Int = 30) {
        self.warning = warning
        self.critical = critical
        self.circuitBreaker = circuitBreaker
    }

    init(reading table: ConfigTableReader) throws(ConfigError) {
        self.init()
        if let value = try table.integer("warning", atLeast: 1) { warning = value }
        if let value = try table.integer("critical", atLeast: 1) { critical = value }
        if let value = try table.integer("circuit_breaker", atLeast: 1) { circuitBreaker = value }
    }
}
