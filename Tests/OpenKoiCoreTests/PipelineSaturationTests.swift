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
    }
}
