import OpenKoiCore
import ServiceLifecycle
import Synchronization

/// The daemon's workers: each claims the oldest queued task with a lease, runs it, renews the lease
/// while it runs, and writes the result only if its claim still holds. On graceful shutdown they stop
/// claiming; a task still running after the grace period is cancelled and given back to the queue
/// (requeued or `interrupted`, per `[daemon] on_interrupt`).
public struct QueueWorkers: Service {
    public struct Settings: Sendable {
        public var workers: Int
        public var leaseMS: Int64
        /// How often an idle worker looks again without being woken (tasks from another process).
        public var pollMS: Int64
        public var graceSeconds: Double
        public var onInterrupt: QueueStatus.InterruptPolicy

        public init(
            workers: Int = 2, leaseMS: Int64 = 30_000, pollMS: Int64 = 2_000, graceSeconds: Double = 30,
            onInterrupt: QueueStatus.InterruptPolicy = .requeue
        ) {
            self.workers = workers
            self.leaseMS = leaseMS
            self.pollMS = pollMS
            self.graceSeconds = graceSeconds
            self.onInterrupt = onInterrupt
        }
    }

    let queue: TaskQueue
    let runner: any TaskRunner
    let settings: Settings
    let owner: String
    let webhooks: WebhookComposer
    let state = WorkerState()

    public init(
        queue: TaskQueue, runner: any TaskRunner, settings: Settings, owner: String, webhooks: WebhookComposer
    ) {
        self.queue = queue
        self.runner = runner
        self.settings = settings
        self.owner = owner
        self.webhooks = webhooks
    }

    public func run() async throws {
        let state = self.state
        let queue = self.queue
        let grace = settings.graceSeconds
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for _ in 0..<max(1, settings.workers) { group.addTask { await workLoop() } }
            }
        } onGracefulShutdown: {
            state.stopping.store(true, ordering: .sequentiallyConsistent)
            queue.signal.notify(TaskQueue.queuedKey)
            // In-flight tasks get the grace period to finish; then they are cancelled and given back.
            Task {
                try? await Task.sleep(for: .seconds(grace))
                state.cancelAll()
            }
        }
    }

    /// Claims until shutdown; idle, it waits for an enqueue's wake-up or the poll interval.
    func workLoop() async {
        // Cancellation ends the loop too: a cancelled wait returns at once, so it would spin.
        while !state.stopping.load(ordering: .sequentiallyConsistent), !Task.isCancelled {
            let seen = queue.signal.generation(TaskQueue.queuedKey)
            let claim: Claim?
            do {
                claim = try await queue.claim(owner: owner, leaseMS: settings.leaseMS)
            } catch {
                claim = nil
                DaemonLog.error("could not claim a task: \(error)")
            }
            if let claim {
                await execute(claim)
                continue
            }
            if state.stopping.load(ordering: .sequentiallyConsistent) { break }
            if queue.isShared { await recoverExpiredLeases() }
            await queue.signal.wait(TaskQueue.queuedKey, since: seen, timeoutMS: settings.pollMS)
        }
    }

    /// On a shared queue an idle worker gives back the tasks of peers whose leases ran out (a daemon
    /// killed, or cut off from the database): requeued or `interrupted`, per `[daemon] on_interrupt`.
    func recoverExpiredLeases() async {
        do {
            let recovered = try await queue.recoverAbandoned(policy: settings.onInterrupt, onlyExpired: true)
            if recovered > 0 { DaemonLog.info("recovered \(recovered) task(s) whose daemon's lease expired") }
        } catch {
            DaemonLog.error("could not recover expired leases: \(error)")
        }
    }

    /// Runs one claimed task to its end and records it.
    func execute(_ claim: Claim) async {
        let spec = claim.task.request.spec(id: claim.task.id, policy: runner.policy)
        let (events, log) = AsyncStream<TaskEvent>.makeStream()
        let runner = self.runner
        let run = Task {
            await runner.run(spec) { event in
                log.yield(event)
                if case .finished = event.kind { log.finish() }
            }
        }
        state.track(claim.task.id, run)
        let recorder = Task { await record(events, claim) }
        let watcher = Task { await watch(claim, run) }
        let result = await run.value
        await recorder.value
        watcher.cancel()
        let shutdownCancelled = state.untrack(claim.task.id)
        do {
            if shutdownCancelled {
                try await queue.release(claim, partial: result, policy: settings.onInterrupt)
            } else {
                let written = try await queue.finish(claim, result: result, webhooks: webhooks.deliveries(for: result))
                if !written { DaemonLog.warning("task \(claim.task.id): its claim was lost; result not written") }
                try await warnAboutDailyBudget()
            }
        } catch {
            DaemonLog.error("task \(claim.task.id): could not store its result: \(error)")
        }
    }

    /// At 80% of `[daemon] daily_budget_usd` spent in the last 24 hours: a log line and, once per
    /// UTC day, a `budget.warning` webhook.
    func warnAboutDailyBudget() async throws {
        guard let daily = queue.limits.dailyBudgetUSD, daily > 0 else { return }
        let now = await queue.currentTime
        let spent = try await queue.spend(since: now - 86_400_000).costUSD
        guard spent >= daily * BudgetMeter.costWarningFraction else { return }
        let day = String(QueuedTask.time(now).prefix(10))
        let deliveries = webhooks.dailyBudgetWarning(spent: spent, limit: daily, day: day)
        if try await queue.enqueueWebhooks(deliveries) {
            DaemonLog.warning(
                "daemon tasks spent $\(NumberText.fixed(spent, decimals: 2)) in 24 h of the "
                    + "$\(NumberText.fixed(daily, decimals: 2)) daily budget"
            )
        }
    }

    /// Logs the task's events in order (lossless), with its budget warnings as webhooks.
    func record(_ events: AsyncStream<TaskEvent>, _ claim: Claim) async {
        for await event in events {
            guard let record = TaskEventRecord(event) else { continue }
            do {
                try await queue.record(claim, kind: record.kind, data: record.data, progress: record.progress)
                if case .notice(_, .budgetWarning(let spent, let limit)) = event.kind {
                    try await queue.enqueueWebhooks(
                        webhooks.budgetWarning(task: claim.task, spent: spent, limit: limit))
                }
            } catch {
                DaemonLog.error("task \(claim.task.id): could not log an event: \(error)")
            }
        }
    }

    /// Renews the lease while the task runs; cancels it when a cancel is requested (woken at once by
    /// the API) or the claim is lost.
    func watch(_ claim: Claim, _ run: Task<TaskResult, Never>) async {
        let interval = max(50, settings.leaseMS / 3)
        while !Task.isCancelled {
            let seen = queue.signal.generation(TaskQueue.cancelKey(claim.task.id))
            do {
                let (held, cancelRequested) = try await queue.renew(claim, leaseMS: settings.leaseMS)
                if !held || cancelRequested {
                    run.cancel()
                    return
                }
            } catch {
                DaemonLog.error("task \(claim.task.id): could not renew its lease: \(error)")
            }
            await queue.signal.wait(TaskQueue.cancelKey(claim.task.id), since: seen, timeoutMS: interval)
        }
    }
}

/// What the workers share: the stop flag and the running tasks (to cancel after the grace period).
final class WorkerState: Sendable {
    let stopping = Atomic<Bool>(false)
    private let running = Mutex<[String: (task: Task<TaskResult, Never>, cancelledByShutdown: Bool)]>([:])

    func track(_ id: String, _ task: Task<TaskResult, Never>) {
        running.withLock { $0[id] = (task, false) }
    }

    /// Forgets the task; true when shutdown cancelled it (give it back instead of recording a cancel).
    func untrack(_ id: String) -> Bool {
        running.withLock { $0.removeValue(forKey: id)?.cancelledByShutdown ?? false }
    }

    func cancelAll() {
        let tasks = running.withLock { map -> [Task<TaskResult, Never>] in
            for key in map.keys { map[key]?.cancelledByShutdown = true }
            return map.values.map(\.task)
        }
        for task in tasks { task.cancel() }
    }
}
