/// Stage concurrency and channel sizes (`[pipeline]` in config.toml).
public struct PipelineConfiguration: Sendable, Hashable {
    public var planners: Int
    public var executors: Int
    public var evaluators: Int
    /// Tasks admitted between intake and final verdict; bounds memory and makes the refine cycle safe.
    public var maxInFlight: Int
    /// Capacity of the forward edges (Planner → Executor → Evaluator).
    public var channelCapacity: Int

    public init(
        planners: Int = 2, executors: Int = 4, evaluators: Int = 4, maxInFlight: Int = 16, channelCapacity: Int = 4
    ) {
        self.planners = max(1, planners)
        self.executors = max(1, executors)
        self.evaluators = max(1, evaluators)
        self.maxInFlight = max(1, maxInFlight)
        self.channelCapacity = max(1, channelCapacity)
    }

    /// Enough of every stage that `concurrency` tasks can run side by side.
    public static func forConcurrency(_ concurrency: Int) -> PipelineConfiguration {
        let n = max(1, concurrency)
        return PipelineConfiguration(planners: n, executors: n, evaluators: n, maxInFlight: n, channelCapacity: n)
    }
}

/// The seams a pipeline runs on: models, tools, the workspace's files, rubrics, tests, and where events go.
public struct PipelineServices: Sendable {
    public var router: any ModelRouter
    public var tools: any ToolBox
    /// The workspace the tools act in: shown to the model up front, checkpointed per iteration.
    public var workspace: (any WorkspaceFiles)?
    public var rubrics: any RubricCatalog
    public var objectiveCheck: (any ObjectiveCheck)?
    public var events: any EventSink
    /// The `# Identity` section of the executor's system prompt (the soul).
    public var identity: String
    /// `identity` is the bundled default soul, not one the user wrote: small local models get the
    /// one-paragraph identity instead (the full soul is ~470 tokens of a 4–8k context on every call).
    public var identityIsDefault: Bool
    /// Each model's tool-calling style, shared by the session's tasks.
    public var toolStyles: ToolStyleRegistry
    /// Recall before planning and learning after the verdict; `nil`: the pipeline remembers nothing.
    public var memory: (any TaskMemory)?
    /// Called after each judged iteration (bench grading); `nil`: nothing looks.
    public var iterationProbe: (any IterationProbe)?

    public init(
        router: any ModelRouter, tools: any ToolBox = EmptyToolBox(), workspace: (any WorkspaceFiles)? = nil,
        rubrics: any RubricCatalog = FixedRubricCatalog(), objectiveCheck: (any ObjectiveCheck)? = nil,
        events: any EventSink = NullEventSink(), identity: String? = nil, identityIsDefault: Bool = true,
        toolStyles: ToolStyleRegistry = ToolStyleRegistry(), memory: (any TaskMemory)? = nil,
        iterationProbe: (any IterationProbe)? = nil
    ) {
        self.router = router
        self.tools = tools
        self.workspace = workspace
        self.rubrics = rubrics
        self.objectiveCheck = objectiveCheck
        self.events = events
        self.identity = identity ?? ExecutorPrompt.identity
        self.identityIsDefault = identityIsDefault
        self.toolStyles = toolStyles
        self.memory = memory
        self.iterationProbe = iterationProbe
    }
}

/// High-water marks, for saturation tests and benchmarks.
public struct PipelineStatistics: Sendable, Hashable {
    public var maxTasksInFlight: Int
    public var maxPlanQueue: Int
    public var maxExecuteQueue: Int
    public var maxEvaluateQueue: Int
    /// Tasks admitted and not yet finished, now.
    public var tasksInFlight: Int
    public var planner: StageMetrics
    public var executor: StageMetrics
    public var evaluator: StageMetrics
}
