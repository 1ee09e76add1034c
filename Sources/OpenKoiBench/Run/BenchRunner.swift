import FoundationEssentials
import OpenKoiCore

/// Runs the trials of a run that are not stored yet: bounded concurrency per model (a slow local
/// model does not hold back a fast API one), each trial in a fresh workspace, each stored as soon
/// as it is graded. A `--budget` stops new trials once reached; trials already running finish.
public actor BenchRunner {
    public struct Configuration: Sendable {
        /// Trials in flight at once, per model.
        public var concurrency: Int
        /// Stop starting trials once the run's known cost (stored trials included) reaches this.
        public var budgetUSD: Double?
        /// The policy every trial starts from (the iteration setting and the task's own limits
        /// override it).
        public var policy: TaskPolicy
        /// Where trial workspaces are made (removed after each trial).
        public var scratchDirectory: String

        public init(concurrency: Int, budgetUSD: Double?, policy: TaskPolicy, scratchDirectory: String) {
            self.concurrency = concurrency
            self.budgetUSD = budgetUSD
            self.policy = policy
            self.scratchDirectory = scratchDirectory
        }
    }

    /// How the run went.
    public struct Outcome: Sendable {
        public var trials: [TrialRecord]
        /// The budget was reached before every trial could start.
        public var stoppedByBudget: Bool
        public var interrupted: Bool
        /// Trials that could not be stored or set up, in words.
        public var errors: [String]
    }

    let suite: BenchSuite
    let run: BenchRun
    let store: BenchStore
    let executor: any TrialExecutor
    let grader: TrialGrader
    let configuration: Configuration
    let progress: @Sendable (BenchProgress) -> Void
    private var spentUSD: Double = 0
    private var stoppedByBudget = false
    private var errors: [String] = []
    private var done = 0

    public init(
        suite: BenchSuite, run: BenchRun, store: BenchStore, executor: any TrialExecutor, grader: TrialGrader,
        configuration: Configuration, progress: @escaping @Sendable (BenchProgress) -> Void = { _ in }
    ) {
        self.suite = suite
        self.run = run
        self.store = store
        self.executor = executor
        self.grader = grader
        self.configuration = configuration
        self.progress = progress
    }

    public func execute() async throws -> Outcome {
        let stored = try await store.trials(run: run.id)
        let storedKeys = Set(stored.map(\.key))
        let plan = run.settings.plan(suite)
        let pending = plan.filter { !storedKeys.contains($0) }
        spentUSD = stored.reduce(0) { $0 + ($1.costUSD ?? 0) }
        done = plan.count - pending.count
        progress(
            BenchProgress(
                kind: .started(estimateUSD: await estimate(pending)), done: done, total: plan.count,
                spentUSD: spentUSD))
        let tasks = Dictionary(suite.tasks.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var laneOf: [String: String] = [:]
        for model in run.settings.models { laneOf[model] = await executor.lane(for: model) }
        let lanes = Dictionary(grouping: pending) { laneOf[$0.model] ?? $0.model }
        let width = max(1, configuration.concurrency)
        await withTaskGroup(of: Void.self) { group in
            for lane in Set(laneOf.values).sorted() {
                guard let keys = lanes[lane] else { continue }
                group.addTask {
                    await withTaskGroup(of: Void.self) { trials in
                        var running = 0
                        for key in keys {
                            if running >= width {
                                await trials.next()
                                running -= 1
                            }
                            guard await self.mayStart(), let task = tasks[key.task] else { break }
                            trials.addTask { await self.runTrial(key, task: task, total: plan.count) }
                            running += 1
                        }
                    }
                }
            }
        }
        let interrupted = Task.isCancelled
        if !interrupted, !stoppedByBudget, errors.isEmpty {
            try await store.markFinished(run: run.id, now: Self.nowMS())
        }
        return Outcome(
            trials: try await store.trials(run: run.id), stoppedByBudget: stoppedByBudget, interrupted: interrupted,
            errors: errors)
    }

    /// Whether another trial may start: not cancelled, and the budget (if any) not yet reached.
    func mayStart() -> Bool {
        guard !Task.isCancelled else { return false }
        if let budget = configuration.budgetUSD, spentUSD >= budget {
            if !stoppedByBudget {
                stoppedByBudget = true
                progress(BenchProgress(kind: .budgetReached, done: done, total: 0, spentUSD: spentUSD))
            }
            return false
        }
        return true
    }

    func runTrial(_ key: TrialKey, task: BenchTask, total: Int) async {
        let scratch = configuration.scratchDirectory
        let workspace: TrialWorkspace
        do {
            workspace = try TrialWorkspace.make(for: task, under: scratch)
        } catch {
            errors.append("\(key.task) on \(key.model): \(error)")
            return
        }
        defer { workspace.remove() }
        let grading = IterationGrading(
            task: task, workspace: workspace, grader: grader, scratch: scratch,
            regrade: key.trial == 1 ? (run.settings.regrade ?? 0) : 0)
        let clock = FirstTokenClock()
        let spec = Self.spec(for: task, key: key, policy: configuration.policy)
        let started = ContinuousClock.now
        let trial = await executor.run(spec, workspace: workspace.path, probe: grading, events: clock)
        let latency = started.duration(to: .now).milliseconds
        // A cancelled trial says nothing about the model: it is run again on resume, not stored.
        guard !Task.isCancelled, trial.result.decision != .cancelled else { return }
        let result = trial.result
        let grade = await grader.grade(task, workspace: workspace.path, answer: result.output)
        let curve = await grading.curve(iterations: result.iterations)
        let regrades = await grading.regrades
        var record = TrialRecord(
            key: key, passed: grade.passed, passedAfter: curve.passed, scores: curve.scores, usage: result.usage,
            costUSD: trial.priced ? result.costUSD : nil, latencyMS: latency, firstTokenMS: clock.firstTokenMS,
            decision: result.decision.rawValue, ranModel: result.model, error: result.error,
            gradeDetail: grade.detail)
        record.qualityThreshold = spec.policy.qualityThreshold
        if !regrades.isEmpty {
            record.regradeScores = regrades.map(\.score)
            record.regradeCostUSD = trial.priced ? regrades.reduce(0) { $0 + $1.costUSD } : nil
        }
        do {
            try await store.record(record, run: run.id, now: Self.nowMS())
        } catch {
            errors.append("could not store the trial \(key.task) on \(key.model): \(error)")
            return
        }
        spentUSD += record.costUSD ?? 0
        done += 1
        progress(BenchProgress(kind: .trialFinished(record), done: done, total: total, spentUSD: spentUSD))
    }

    /// The task as the pipeline gets it: the iteration setting, capped by the task's own maximum.
    static func spec(for task: BenchTask, key: TrialKey, policy base: TaskPolicy) -> TaskSpec {
        var policy = base
        policy.maxIterations = min(key.iterations, task.maxIterations ?? key.iterations)
        if let quality = task.quality { policy.qualityThreshold = quality }
        return TaskSpec(
            id: "bench-\(key.task)-\(key.iterations)-\(key.trial)-\(TaskSpec.newID().prefix(8))",
            description: task.prompt, model: key.model, policy: policy, category: task.category)
    }

    /// An upper bound on what the pending trials can cost: every iteration runs with its full
    /// output allowance and a full prompt (`nil` when a model's price is unknown).
    func estimate(_ pending: [TrialKey]) async -> Double? {
        var total = 0.0
        var prices: [String: ModelPricing?] = [:]
        for key in pending {
            if prices[key.model] == nil { prices[key.model] = .some(await executor.pricing(for: key.model)) }
            guard let pricing = prices[key.model] ?? nil else { return nil }
            let perIteration = TokenUsage(
                inputTokens: Self.promptAllowance, outputTokens: configuration.policy.maxOutputTokens + 1200)
            total += Double(key.iterations) * pricing.cost(perIteration)
        }
        return total
    }

    /// Prompt tokens assumed per iteration (executor and judge together) for the estimate.
    static let promptAllowance = 24_000

    static func nowMS() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}

/// Progress for the stderr bar: what happened, and where the run stands.
public struct BenchProgress: Sendable {
    public enum Kind: Sendable {
        /// The run began (or resumed); the upper-bound cost of what is left, `nil` if unknown.
        case started(estimateUSD: Double?)
        case trialFinished(TrialRecord)
        case budgetReached
    }

    public var kind: Kind
    public var done: Int
    public var total: Int
    public var spentUSD: Double
}
