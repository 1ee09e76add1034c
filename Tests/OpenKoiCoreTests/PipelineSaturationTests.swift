import OpenKoiCore
import OpenKoiTesting
import Testing

struct PipelineSaturationTests {
    static let taskCount = 1000
    /// 1,000 tasks through small channels and a slow model: everything completes, nothing deadlocks on
    /// the refine cycle, and the number of tasks held at once never exceeds the admission limit.
    @Test func thousandTasksThroughSmallChannels() async throws {
        let executor = ScriptedModel { _, _ in
            try await Task.sleep(for: .milliseconds(1))
            return .text("answer")
        }
        // Every verdict is below the threshold, so each task refines once before max iterations.
        let judge = ScriptedModel(replies: [.verdict(["quality": 0.5])])
        let roles = TaskRoles(
            executor: ModelBinding(provider: executor, model: "x"), evaluator: ModelBinding(provider: judge, model: "j")
        )
        let configuration = PipelineConfiguration(
            planners: 2, executors: 3, evaluators: 2, maxInFlight: 8, channelCapacity: 2)
        let pipeline = Pipeline(
            configuration: configuration, services: PipelineServices(router: FixedModelRouter(roles)))
        let p = TaskPolicy(maxIterations: 2, qualityThreshold: 0.8, improvementThreshold: 0)

        let results = await withTaskGroup(of: TaskResult.self) { group in
            for index in 0..<Self.taskCount {
                group.addTask {
                    await pipeline.submit(TaskSpec(id: "t\(index)", description: "What is \(index)?", policy: p))
                }
            }
            var collected: [TaskResult] = []
            for await result in group { collected.append(result) }
            return collected
        }
        await pipeline.shutdown()
        let stats = await pipeline.statistics()
        #expect(results.count == 1000)
        #expect(results.allSatisfy { $0.decision == .acceptBest && $0.iterations == 2 })
        #expect(Set(results.map(\.taskID)).count == 1000)
        #expect(stats.maxTasksInFlight <= 8)
        #expect(stats.maxTasksInFlight >= 2, "the pipeline did run tasks concurrently")
        #expect(stats.maxPlanQueue <= 2)
        #expect(stats.maxEvaluateQueue <= 2)
        #expect(stats.maxExecuteQueue <= 2 + 8, "forward lane plus the reserved refine lane")
        #expect(executor.callCount == 2000)
        // Every run went through its stage's workers: a plan per task, two executions and two evaluations.
        #expect(stats.planner.processed == 1000 && stats.executor.processed == 2000)
        #expect(stats.evaluator.processed == 2000)
        #expect(stats.executor.mostBusy <= 3, "never more busy workers than configured")
        #expect(stats.tasksInFlight == 0 && stats.executor.busy == 0 && stats.executor.workers == 0)
    }

    /// The stages' live counts: two executions blocked in the model show as two busy executor workers.
    @Test func busyWorkersAreCountedWhileTheyWork() async throws {
        let (entered, enteredFeed) = AsyncStream<Void>.makeStream()
        let gate = ReleaseGate()
        let executor = ScriptedModel { _, _ in
            enteredFeed.yield()
            await gate.wait()
            return .text("answer")
        }
        let roles = TaskRoles(
            executor: ModelBinding(provider: executor, model: "x"),
            evaluator: ModelBinding(provider: ScriptedModel(replies: [.verdict(["quality": 0.9])]), model: "j"))
        let pipeline = Pipeline(
            configuration: PipelineConfiguration(planners: 1, executors: 2, evaluators: 1, maxInFlight: 4),
            services: PipelineServices(router: FixedModelRouter(roles)))
        let tasks = (0..<2).map { index in
            Task {
                await pipeline.submit(TaskSpec(id: "t\(index)", description: "What is \(index)?", policy: policy(1)))
            }
        }
        var arrivals = entered.makeAsyncIterator()
        _ = await arrivals.next()
        _ = await arrivals.next()
        let during = await pipeline.statistics()
        #expect(during.executor.busy == 2 && during.executor.workers == 2)
        #expect(during.tasksInFlight == 2)
        await gate.letOneThrough()
        await gate.letOneThrough()
        for task in tasks { #expect(await task.value.decision == .accept) }
        await pipeline.shutdown()
        let after = await pipeline.statistics()
        #expect(after.executor.busy == 0 && after.executor.processed == 2 && after.evaluator.processed == 2)
    }
}

/// Holds each waiter until the test lets one through.
actor ReleaseGate {
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var credits = 0

    func wait() async {
        if credits > 0 {
            credits -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func letOneThrough() {
        if waiting.isEmpty { credits += 1 } else { waiting.removeFirst().resume() }
    }
}
