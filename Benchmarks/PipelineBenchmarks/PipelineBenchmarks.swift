import Benchmark
import OpenKoiCore

/// Pipeline benchmarks (README.md beside this folder says how to run them and what they showed).
let benchmarks: @Sendable () -> Void = {
    registerOverheadBenchmark()
    registerThroughputBenchmarks()
}

/// What one task costs the pipeline itself: admission, three stage hops, prompt building, verdict
/// parsing, result assembly. The models answer at once, so all the time is the pipeline's (and
/// `ScriptedModel`'s streaming, which a real provider has too). Target: ≤ 1 ms per task.
func registerOverheadBenchmark() {
    let slot = FixtureSlot()
    let spec = TaskSpec(id: "overhead", description: PipelineFixture.question)
    Benchmark(
        "Pipeline overhead per task",
        configuration: .init(
            metrics: [.wallClock, .mallocCountTotal, .throughput], timeUnits: .microseconds, warmupIterations: 1,
            // One iteration submits 1,000 tasks one after another; results are shown per task.
            scalingFactor: .kilo, maxDuration: .seconds(10), maxIterations: 40)
    ) { benchmark in
        guard let pipeline = slot.pipeline else { return benchmark.error("the pipeline fixture was not set up") }
        var problem: String?
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let result = await pipeline.submit(spec)
            if problem == nil { problem = PipelineFixture.problem(with: result) }
        }
        benchmark.stopMeasurement()
        if let problem { benchmark.error(problem) }
    } setup: {
        // The CLI's default stage sizes: a single `openkoi "task"` runs on these.
        slot.open { PipelineFixture(configuration: PipelineConfiguration(), executorLatency: nil) }
    } teardown: {
        await slot.close()
    }
}
