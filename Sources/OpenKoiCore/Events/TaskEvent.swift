/// Everything a stage reports while a task runs. Observers (progress renderer, state files,
/// result collectors) subscribe to an `EventBus`; nothing in the pipeline waits for them.
public struct TaskEvent: Sendable {
    public var taskID: String
    public var kind: Kind

    public init(taskID: String, kind: Kind) {
        self.taskID = taskID
        self.kind = kind
    }

    public enum Kind: Sendable {
        case queued(description: String, model: String, maxIterations: Int)
        case planning
        case planReady(Plan)
        case iterationStarted(iteration: Int, maxIterations: Int)
        /// A piece of the executor's streamed answer.
        case outputDelta(iteration: Int, text: String)
        case toolCall(iteration: Int, name: String, summary: String)
        case toolLoopWarning(iteration: Int, calls: Int, level: ToolLoopLevel)
        /// A model call finished; totals are cumulative for the task.
        case usage(phase: Phase, totalUsage: TokenUsage, totalCostUSD: Double)
        case retrying(phase: Phase, attempt: Int, delaySeconds: Double, reason: String)
        case contextPruned(iteration: Int, removedMessages: Int)
        case evaluating(iteration: Int)
        case evaluated(iteration: Int, verdict: Verdict, identicalOutput: Bool)
        case decided(iteration: Int, score: Double?, decision: Decision, totalCostUSD: Double, totalTokens: Int)
        case finished(TaskResult)
    }

    public enum Phase: String, Sendable { case plan, execute, evaluate }
    public enum ToolLoopLevel: String, Sendable { case warning, critical }
}

/// Receives events. Must return immediately (buffer, never block on I/O).
public protocol EventSink: Sendable {
    func publish(_ event: TaskEvent)
}

/// Drops everything (benchmarks, embedded use).
public struct NullEventSink: EventSink {
    public init() {}
    public func publish(_ event: TaskEvent) {}
}
