/// A task in flight. It moves between stages by value; exactly one stage holds it at a time.
struct TaskRun: Sendable {
    let spec: TaskSpec
    let roles: TaskRoles
    let control: RunControl
    let slot: ResultSlot
    let started: ContinuousClock.Instant
    /// A plain question: no plan, no tools (decided once; the check is on the per-task hot path).
    let isTrivial: Bool
    /// Files the task names, must create, and whether it may change tests (read once).
    let intent: TaskIntent
    var plan = Plan(steps: [])
    var iterations: [IterationRecord] = []
    var meter = BudgetMeter()
    /// The attempt the evaluator is about to judge.
    var pendingAttempt: Attempt?
    /// The workspace as the model first saw it (taken before the first execution).
    var snapshot: WorkspaceSnapshot?
    /// Each changed file's text before the task first changed it (`nil`: it did not exist).
    var originals: [String: String?] = [:]
    /// The changed files' text after each iteration, by iteration number.
    var checkpoints: [Int: [String: String?]] = [:]
    /// Progress already said that the judge is the executor's own model (said once, when it first judges).
    var toldJudgeIsExecutor = false
    /// What recall found before planning (shown in the plan and execute prompts).
    var recollection = Recollection.none
    /// When the current iteration started and what the task had spent by then.
    var iterationStart: (at: ContinuousClock.Instant, costUSD: Double)?

    init(spec: TaskSpec, roles: TaskRoles, slot: ResultSlot) {
        self.spec = spec
        self.roles = roles
        self.slot = slot
        started = .now
        isTrivial = PlanningStep.isTrivial(spec.description)
        intent = TaskIntent(spec.description)
        // 0 means no limit, as for every budget; a huge number is clamped so it cannot trap.
        let configured = spec.policy.timeoutSeconds
        let seconds = configured.isFinite && configured > 0 ? min(configured, 1e9) : 1e9
        control = RunControl(deadline: started.advanced(by: .milliseconds(Int64(seconds * 1000))))
    }

    var policy: TaskPolicy { spec.policy }

    /// Records a finished iteration with its cost and time since `iterationStart`.
    mutating func append(_ record: IterationRecord) {
        var stamped = record
        if let start = iterationStart {
            stamped.costUSD = max(0, meter.costUSD - start.costUSD)
            let elapsed = start.at.duration(to: .now).components
            stamped.durationMS = Int(elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000)
        }
        iterations.append(stamped)
    }
    var nextIteration: Int { iterations.count + 1 }

    /// The workspace's changed files as they were after `iteration` (0: before the task).
    func files(after iteration: Int) -> [String: String?] {
        var state = originals
        for number in checkpoints.keys.sorted() where number <= iteration {
            for (path, text) in checkpoints[number] ?? [:] { state[path] = text }
        }
        return state
    }
}

/// One execution's product, before evaluation.
struct Attempt: Sendable {
    var output: String
    var usage: TokenUsage
    /// A breaker that tripped during execution (tool loop, budget).
    var stop: Decision?
    var stopReason: String?
    /// Workspace files the attempt created or changed through tools.
    var modifiedPaths: [String] = []
    /// The tool calls the attempt made, for the evaluator: an answer given through tools is judged
    /// by what the tools did, not only by the closing text.
    var actions: [ToolAction] = []
    /// Mean token probability of a tool-free answer, when the provider reported log probabilities.
    var confidence: Double?
    /// Text of files before this attempt first changed them (merged into the task's originals).
    var originals: [String: String?] = [:]
}

/// One tool call of an attempt, as the evaluator sees it.
struct ToolAction: Sendable, Hashable {
    var summary: String
    var arguments: String
    var result: String
    var isError: Bool
}

/// Where a finished task's result goes: the submitter awaits it. Delivery and waiting may happen
/// in either order, so both sides go through one lock.
final class ResultSlot: Sendable {
    private enum State: Sendable {
        case empty
        case waiting(CheckedContinuation<TaskResult, Never>)
        case delivered(TaskResult)
    }

    private let state = LockedValue<State>(.empty)

    func wait() async -> TaskResult {
        await withCheckedContinuation { c in
            let ready = state.withLock { s -> TaskResult? in
                if case .delivered(let result) = s { return result }
                s = .waiting(c)
                return nil
            }
            if let ready { c.resume(returning: ready) }
        }
    }

    /// Delivers once; later calls are ignored.
    func deliver(_ result: TaskResult) {
        let waiting = state.withLock { s -> CheckedContinuation<TaskResult, Never>? in
            switch s {
            case .empty:
                s = .delivered(result)
                return nil
            case .waiting(let c):
                s = .delivered(result)
                return c
            case .delivered: return nil
            }
        }
        waiting?.resume(returning: result)
    }
}
