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
        /// What recall found before planning (lessons, similar tasks, skills).
        case recalled(Recollection)
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
        /// A call left a failing model for the next in its `[models.fallback]` chain.
        case failover(phase: Phase, from: String, to: String, reason: String)
        case contextPruned(iteration: Int, removedMessages: Int)
        case evaluating(iteration: Int)
        case evaluated(iteration: Int, verdict: Verdict, identicalOutput: Bool)
        case decided(iteration: Int, score: Double?, decision: Decision, totalCostUSD: Double, totalTokens: Int)
        /// Something the user should know about how the loop judged or acted (see `Notice`).
        case notice(iteration: Int?, Notice)
        case finished(TaskResult)
        /// After `finished`: what memory stored from the task (off the task's critical path).
        case learned(LearningReport)
    }

    public enum Phase: String, Sendable { case plan, execute, evaluate }
    public enum ToolLoopLevel: String, Sendable { case warning, critical }
}

/// What the loop tells the user beside scores and decisions: why it did not trust or ask the
/// judge, what it dropped, what it undid.
public enum Notice: Sendable, Hashable {
    /// The judge failed or looks degenerate; its verdict is not used (and never reaches the executor).
    case judgeProblem(JudgeProblem)
    /// The answer was not evaluated (a confident answer to a trivial question).
    case evaluationSkipped(String)
    /// The judge was not asked, the objective checks decided (failing tests say what to fix).
    case judgeNotAsked(String)
    /// Judge findings the review filter dropped.
    case findingsDropped(DroppedFindings)
    /// The workspace has a test command, but running it was not approved.
    case testsNotRun(String)
    /// The judge is the executor's own model: its scores are weak evidence.
    case judgeIsExecutor(model: String)
    /// Files were put back as they were after the given iteration (the best so far).
    case workspaceRestored(toIteration: Int, paths: [String])
    /// The files of the best iteration could not be put back.
    case restoreFailed(iteration: Int, reason: String)
    /// The model's tool-calling style, learned from its replies.
    case toolStyleLearned(model: String, style: ToolCallStyle)
    /// The task has spent 80% of its USD budget (`budget.warning`; said once per task).
    case budgetWarning(spentUSD: Double, limitUSD: Double)

    public var text: String {
        switch self {
        case .judgeProblem(let problem):
            switch problem.kind {
            case .degenerate: return "judge looks degenerate: \(problem.message); not refining on its verdict"
            case .unparseable, .callFailed: return "judge: \(problem.message); its verdict is not used"
            }
        case .evaluationSkipped(let reason): return "evaluation skipped: \(reason)"
        case .judgeNotAsked(let reason): return "judge not asked: \(reason)"
        case .findingsDropped(let dropped):
            var parts: [String] = []
            if dropped.echoes > 0 { parts.append("\(dropped.echoes) repeating the answer") }
            if dropped.contradicted > 0 { parts.append("\(dropped.contradicted) contradicted by passing tests") }
            if dropped.duplicates > 0 { parts.append("\(dropped.duplicates) duplicate or over the cap") }
            return "dropped \(dropped.total) judge finding(s): " + parts.joined(separator: ", ")
        case .testsNotRun(let reason): return "tests not run: \(reason)"
        case .judgeIsExecutor(let model):
            return "the judge is the executor's own model (\(model)); a small model judging itself is weak evidence. "
                + "Set [models] evaluator in config.toml to a stronger model."
        case .workspaceRestored(let iteration, let paths) where iteration == 0:
            return "put back \(paths.joined(separator: ", ")) as before the task: the next attempt starts afresh"
        case .workspaceRestored(let iteration, let paths):
            return "restored \(paths.joined(separator: ", ")) to iteration \(iteration), the best so far"
        case .restoreFailed(let iteration, let reason):
            return "could not restore the files of iteration \(iteration): \(reason)"
        case .budgetWarning(let spent, let limit):
            let (spentText, limitText) = (NumberText.fixed(spent, decimals: 2), NumberText.fixed(limit, decimals: 2))
            return "budget.warning: $\(spentText) of the $\(limitText) budget spent (80%)"
        case .toolStyleLearned(let model, let style):
            switch style {
            case .native: return "\(model) calls tools natively"
            case .text: return "\(model) writes tool calls and edits as text; using the text edit format from now on"
            }
        }
    }
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
