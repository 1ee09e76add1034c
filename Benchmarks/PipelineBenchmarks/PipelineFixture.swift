import OpenKoiCore
import OpenKoiTesting

/// A pipeline on scripted models, built once per benchmark (in `setup`) and reused by every
/// iteration, so the numbers are the cost of a task, not of starting stage workers.
struct PipelineFixture: Sendable {
    /// One-line question with no work words: `PlanningStep.isTrivial` skips the planner.
    static let question = "What is two plus two?"
    /// Every dimension of the fallback rubric above the default 0.8 threshold: one iteration, `.accept`.
    static let passingVerdict = ScriptedReply.verdict(["relevance": 0.9, "quality": 0.9, "completeness": 0.9])

    let pipeline: Pipeline

    /// - Parameter executorLatency: how long each executor call sleeps before answering (`nil`: answers at once).
    init(configuration: PipelineConfiguration, executorLatency: Duration?) {
        let executor = ScriptedModel(id: "bench-executor") { _, _ in
            if let executorLatency { try await Task.sleep(for: executorLatency) }
            return .text("Four.")
        }
        let judge = ScriptedModel(id: "bench-judge", replies: [Self.passingVerdict])
        let roles = TaskRoles(
            executor: ModelBinding(provider: executor, model: "executor"),
            evaluator: ModelBinding(provider: judge, model: "judge"))
        pipeline = Pipeline(configuration: configuration, services: PipelineServices(router: FixedModelRouter(roles)))
    }

    /// `nil` when the task ended the way a one-iteration accepted task should; else what went wrong.
    static func problem(with result: TaskResult) -> String? {
        guard result.decision == .accept, result.iterations == 1 else {
            return
                "expected one accepted iteration, got \(result.decision.rawValue) after \(result.iterations): \(result.error ?? "-")"
        }
        return nil
    }
}

/// Holds a benchmark's fixture between its `setup` and `teardown` hooks, which share no state of their own.
final class FixtureSlot: Sendable {
    private let fixture = LockedValue<PipelineFixture?>(nil)

    func open(_ make: () -> PipelineFixture) {
        let made = make()
        fixture.withLock { $0 = made }
    }

    var pipeline: Pipeline? { fixture.value?.pipeline }

    /// Stops the stage workers; every `submit` has returned by the time teardown runs.
    func close() async {
        let closing = fixture.withLock { slot -> PipelineFixture? in
            defer { slot = nil }
            return slot
        }
        await closing?.pipeline.shutdown()
    }
}
