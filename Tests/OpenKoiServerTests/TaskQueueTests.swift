import OpenKoiCore
import OpenKoiServer
import Testing

/// The queue on its own, on SQLite and on PostgreSQL: durable enqueue, idempotency, limits, leases with fencing,
/// recovery after a crash, cancel, and the event log.
struct TaskQueueTests {
    func result(_ id: String, output: String = "Paris", decision: Decision = .accept, cost: Double = 0.01) -> TaskResult
    {
        TaskResult(
            taskID: id, description: "", output: output, score: 0.9, iterations: 1, bestIteration: 1,
            decision: decision, usage: TokenUsage(inputTokens: 100, outputTokens: 20), costUSD: cost, durationMS: 5,
            error: nil, findings: [], model: "x")
    }

    @Test(arguments: QueueBackend.available) func anAcceptedTaskIsCommittedBeforeEnqueueReturns(_ backend: QueueBackend)
        async throws
    {
        let scratch = try ServerScratch(backend)
        let queue = TaskQueue(store: scratch.store)
        guard
            case .created(let task) = try await queue.enqueue(
                TaskRequest(description: "What is 2+2?", maxIterations: 1))
        else { Issue.record("expected a new task"); return }
        // Another connection (another process would see the same) finds it.
        let other = TaskQueue(store: scratch.store)
        let stored = try #require(try await other.task(id: task.id))
        #expect(stored.status == .queued && stored.request.description == "What is 2+2?")
        #expect(stored.request.maxIterations == 1)
        #expect(try await other.health().queued == 1)
    }

    @Test(arguments: QueueBackend.available) func idempotencyKeysReplayRefuseADifferentBodyAndBlockDuplicatesInFlight(
        _ backend: QueueBackend
    ) async throws {
        let scratch = try ServerScratch(backend)
        let queue = TaskQueue(store: scratch.store)
        let request = TaskRequest(description: "summarise README.md")
        guard case .created(let first) = try await queue.enqueue(request, idempotencyKey: "k-1") else {
            Issue.record("expected a new task"); return
        }
        guard case .replayed(let again) = try await queue.enqueue(request, idempotencyKey: "k-1") else {
            Issue.record("expected a replay"); return
        }
        #expect(again.id == first.id)
        let mismatch = await #expect(throws: APIError.self) {
            _ = try await queue.enqueue(TaskRequest(description: "something else"), idempotencyKey: "k-1")
        }
        #expect(mismatch?.statusCode == .unprocessable && mismatch?.code == "idempotency_mismatch")
        try await queue.reserve(key: "k-2")
        let inFlight = await #expect(throws: APIError.self) { try await queue.reserve(key: "k-2") }
        #expect(inFlight?.statusCode == .conflict)
        await queue.release(key: "k-2")
        try await queue.reserve(key: "k-2")
        #expect(try await queue.health().queued == 1, "the replay and the refusals created nothing")
    }

    @Test(arguments: QueueBackend.available) func aKeyIsForgottenAfterItsWindow(_ backend: QueueBackend) async throws {
        let scratch = try ServerScratch(backend)
        let clock = ManualClock()
        let queue = TaskQueue(store: scratch.store, now: clock.function)
        guard case .created(let first) = try await queue.enqueue(TaskRequest(description: "a"), idempotencyKey: "k")
        else { Issue.record("expected a new task"); return }
        clock.advance(milliseconds: 86_400_001)
        guard case .created(let second) = try await queue.enqueue(TaskRequest(description: "b"), idempotencyKey: "k")
        else { Issue.record("after 24 h the key is new again"); return }
        #expect(second.id != first.id)
    }

    @Test(arguments: QueueBackend.available) func aFullQueueAndTheDailyBudgetRefuseNewTasks(_ backend: QueueBackend)
        async throws
    {
        let scratch = try ServerScratch(backend)
        let full = TaskQueue(store: scratch.store, limits: QueueLimits(maxQueued: 2, retryAfterSeconds: 7))
        _ = try await full.enqueue(TaskRequest(description: "one"))
        _ = try await full.enqueue(TaskRequest(description: "two"))
        let refused = await #expect(throws: APIError.self) {
            _ = try await full.enqueue(TaskRequest(description: "three"))
        }
        #expect(refused?.statusCode == .tooManyRequests && refused?.retryAfter == 7)

        let budgetScratch = try ServerScratch(backend)
        let budgeted = TaskQueue(
            store: budgetScratch.store, limits: QueueLimits(dailyBudgetUSD: 1.0, defaultTaskBudgetUSD: 0.4))
        _ = try await budgeted.enqueue(TaskRequest(description: "reserves 0.40"))
        _ = try await budgeted.enqueue(TaskRequest(description: "reserves 0.50", budgetUSD: 0.5))
        let over = await #expect(throws: APIError.self) {
            _ = try await budgeted.enqueue(TaskRequest(description: "would pass $1", budgetUSD: 0.2))
        }
        #expect(over?.code == "over_daily_budget" && over?.field == "budget_usd")
        #expect(over?.message.contains("$1.00") == true, "\(over?.message ?? "")")
        _ = try await budgeted.enqueue(TaskRequest(description: "fits", budgetUSD: 0.1))
    }

    /// Requests arriving together share one group commit, which counts the queue and the day's
    /// spend once: the limits still hold request by request.
    @Test(arguments: QueueBackend.available) func concurrentRequestsStopExactlyAtTheQueueAndBudgetLimits(
        _ backend: QueueBackend
    ) async throws {
        func created(_ queue: TaskQueue, _ count: Int) async -> (created: Int, codes: [String]) {
            await withTaskGroup(of: String.self) { group in
                for n in 0..<count {
                    group.addTask {
                        do {
                            _ = try await queue.enqueue(TaskRequest(description: "task \(n)"))
                            return "created"
                        } catch let error as APIError {
                            return error.code
                        } catch {
                            return "\(error)"
                        }
                    }
                }
                var codes: [String] = []
                for await code in group { codes.append(code) }
                return (codes.filter { $0 == "created" }.count, codes.filter { $0 != "created" })
            }
        }
        let scratch = try ServerScratch(backend)
        let full = await created(TaskQueue(store: scratch.store, limits: QueueLimits(maxQueued: 4)), 12)
        #expect(full.created == 4)
        #expect(full.codes == Array(repeating: "queue_full", count: 8))

        let budgetScratch = try ServerScratch(backend)
        let limits = QueueLimits(dailyBudgetUSD: 1.0, defaultTaskBudgetUSD: 0.3)
        let budgeted = await created(TaskQueue(store: budgetScratch.store, limits: limits), 12)
        #expect(budgeted.created == 3)
        #expect(budgeted.codes == Array(repeating: "over_daily_budget", count: 9))
    }

    @Test(arguments: QueueBackend.available) func aWorkerWhoseLeaseExpiredCannotOverwriteTheNewerClaim(
        _ backend: QueueBackend
    ) async throws {
        let scratch = try ServerScratch(backend)
        let clock = ManualClock()
        let queue = TaskQueue(store: scratch.store, now: clock.function)
        _ = try await queue.enqueue(TaskRequest(description: "slow task"))
        let stale = try #require(try await queue.claim(owner: "A", leaseMS: 1_000))
        #expect(try await queue.claim(owner: "B", leaseMS: 1_000) == nil, "a held task is not claimed twice")
        clock.advance(milliseconds: 1_001)
        #expect(try await queue.recoverAbandoned(policy: .requeue, onlyExpired: true) == 1)
        let fresh = try #require(try await queue.claim(owner: "B", leaseMS: 1_000))
        #expect(fresh.fence > stale.fence && fresh.task.attempts == 2)
        #expect(try await queue.renew(stale, leaseMS: 1_000).held == false)
        #expect(
            try await queue.record(stale, kind: "usage", data: [:]) == nil, "a stale worker adds nothing to the log")
        #expect(try await queue.finish(stale, result: result(stale.task.id, output: "stale")) == false)
        #expect(try await queue.finish(fresh, result: result(fresh.task.id, output: "fresh")) == true)
        let done = try #require(try await queue.task(id: fresh.task.id))
        #expect(done.status == .succeeded && done.output == "fresh" && done.attempts == 2)
        #expect(done.inputTokens == 100 && done.outputTokens == 20 && abs(done.costUSD - 0.01) < 1e-9)
    }

    @Test(arguments: QueueBackend.available) func restartRecoveryRequeuesOrInterruptsPerPolicyAndAttempts(
        _ backend: QueueBackend
    ) async throws {
        let scratch = try ServerScratch(backend)
        let queue = TaskQueue(store: scratch.store, limits: QueueLimits(maxAttempts: 2))
        _ = try await queue.enqueue(TaskRequest(description: "crashes twice"))
        _ = try #require(try await queue.claim(owner: "dead-1", leaseMS: 60_000))
        #expect(try await queue.recoverAbandoned(policy: .requeue) == 1, "a restart does not wait for the lease")
        let second = try #require(try await queue.claim(owner: "dead-2", leaseMS: 60_000))
        #expect(second.task.attempts == 2)
        try await queue.recoverAbandoned(policy: .requeue)
        let spent = try #require(try await queue.task(id: second.task.id))
        #expect(spent.status == .interrupted, "out of attempts")
        #expect(spent.error?.contains("2 attempts") == true, "\(spent.error ?? "")")

        _ = try await queue.enqueue(TaskRequest(description: "interrupt policy"))
        let claim = try #require(try await queue.claim(owner: "dead-3", leaseMS: 60_000))
        try await queue.recoverAbandoned(policy: .interrupt)
        #expect(try await queue.task(id: claim.task.id)?.status == .interrupted)
        #expect(try await queue.health().queued == 0)
    }

    @Test(arguments: QueueBackend.available) func cancelIsImmediateWhenQueuedAndIdempotentOnceFinal(
        _ backend: QueueBackend
    ) async throws {
        let scratch = try ServerScratch(backend)
        let queue = TaskQueue(store: scratch.store)
        guard case .created(let waiting) = try await queue.enqueue(TaskRequest(description: "never runs")) else {
            Issue.record("expected a new task"); return
        }
        #expect(try await queue.requestCancel(id: waiting.id)?.status == .cancelled)
        #expect(try await queue.claim(owner: "w", leaseMS: 1_000) == nil, "a cancelled task is never claimed")
        let again = try #require(try await queue.requestCancel(id: waiting.id))
        #expect(again.status == .cancelled && again.finishedMS != nil)
        #expect(try await queue.requestCancel(id: "no-such-task") == nil)

        _ = try await queue.enqueue(TaskRequest(description: "running"))
        let claim = try #require(try await queue.claim(owner: "w", leaseMS: 10_000))
        #expect(try await queue.requestCancel(id: claim.task.id)?.status == .cancelling)
        #expect(try await queue.renew(claim, leaseMS: 10_000) == (true, true), "the worker learns of the cancel")
        #expect(try await queue.finish(claim, result: result(claim.task.id, output: "partial", decision: .cancelled)))
        let cancelled = try #require(try await queue.task(id: claim.task.id))
        #expect(cancelled.status == .cancelled && cancelled.output == "partial" && cancelled.cancellingMS != nil)
    }

    @Test(arguments: QueueBackend.available) func eventsAreNumberedPerTaskAndReadAfterASequenceNumber(
        _ backend: QueueBackend
    ) async throws {
        let scratch = try ServerScratch(backend)
        let queue = TaskQueue(store: scratch.store)
        _ = try await queue.enqueue(TaskRequest(description: "logged"))
        let claim = try #require(try await queue.claim(owner: "w", leaseMS: 10_000))
        try await queue.record(claim, kind: "executing", data: ["iteration": 1], progress: TaskProgress(iterations: 1))
        try await queue.record(
            claim, kind: "decided", data: ["iteration": 1],
            progress: TaskProgress(iterations: 1, iterationScore: ["iteration": 1, "score": 0.9]))
        _ = try await queue.finish(claim, result: result(claim.task.id))
        let all = try await queue.events(taskID: claim.task.id, after: 0)
        #expect(all.map(\.seq) == [1, 2, 3, 4, 5])
        #expect(all.map(\.kind) == ["queued", "status", "executing", "decided", "finished"])
        #expect(all.last?.data["final"] == true)
        #expect(try await queue.events(taskID: claim.task.id, after: 3).map(\.seq) == [4, 5])
        #expect(try await queue.task(id: claim.task.id)?.iterationScores == [["iteration": 1, "score": 0.9]])
    }

    @Test func requestBodiesAreCheckedFieldByField() throws {
        func refusal(_ body: String) -> APIError? {
            do {
                _ = try TaskRequest.parse(Array(body.utf8))
                return nil
            } catch { return error }
        }
        #expect(refusal("{not json")?.statusCode == .badRequest)
        #expect(refusal("[1]")?.code == "invalid_type")
        #expect(refusal(#"{"description": "  "}"#)?.message == "Task description cannot be empty")
        #expect(refusal(#"{"description": 3}"#)?.field == "description")
        #expect(refusal(#"{"description": "x", "max_iteration": 2}"#)?.field == "max_iteration")
        #expect(refusal(#"{"description": "x", "max_iterations": "2"}"#)?.code == "invalid_type")
        #expect(refusal(#"{"description": "x", "max_iterations": 2.5}"#)?.code == "out_of_range")
        #expect(refusal(#"{"description": "x", "quality_threshold": 1.5}"#)?.field == "quality_threshold")
        #expect(refusal(#"{"description": "x", "budget_usd": -1}"#)?.field == "budget_usd")
        let request = try TaskRequest.parse(
            Array(
                (#"{"description": "review the SQL", "category": "sql", "max_iterations": 4, "#
                    + #""quality_threshold": 0.7, "model": "openai/gpt-4.1", "budget_usd": 0.5, "task_id": "ignored"}"#)
                    .utf8))
        let spec = request.spec(id: "t", policy: TaskPolicy())
        #expect(spec.policy.maxIterations == 4 && spec.policy.qualityThreshold == 0.7 && spec.policy.maxCostUSD == 0.5)
        #expect(spec.model == "openai/gpt-4.1" && spec.category == "sql" && spec.id == "t")
    }
}
