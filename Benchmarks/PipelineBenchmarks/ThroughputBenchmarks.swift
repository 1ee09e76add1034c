import Benchmark
import Foundation
import OpenKoiCore

enum ThroughputRun {
    static let concurrency = 16
    static let modelLatency = Duration.milliseconds(50)
    static let taskCount = 160
    /// Every slot busy on a model call all the time: 16 / 0.05 s = 320 tasks/s.
    static let idealTasksPerSecond = Double(concurrency) / modelLatency.seconds

    static let tasksPerSecond = BenchmarkMetric.custom("tasks/s", polarity: .prefersLarger, useScalingFactor: false)
    static let percentOfIdeal = BenchmarkMetric.custom("% of ideal", polarity: .prefersLarger, useScalingFactor: false)
}

func registerThroughputBenchmarks() {
    // How close the pipeline keeps 16 slow model calls in flight: 160 tasks submitted at once to a
    // pipeline sized `forConcurrency(16)`, an executor that takes 50 ms, an instant passing judge.
    // Anything under the ideal 320 tasks/s is time a slot sat idle. Target: ≥ 90 % of ideal.
    let slot = FixtureSlot()
    let specs = (0..<ThroughputRun.taskCount).map { TaskSpec(id: "t\($0)", description: PipelineFixture.question) }
    registerThroughputBenchmark("Pipeline throughput, concurrency 16, 50 ms model") {
        guard let pipeline = slot.pipeline else { return "the pipeline fixture was not set up" }
        return await withTaskGroup(of: String?.self) { group in
            for spec in specs {
                group.addTask { PipelineFixture.problem(with: await pipeline.submit(spec)) }
            }
            var first: String?
            for await problem in group where first == nil { first = problem }
            return first
        }
    } setup: {
        slot.open {
            PipelineFixture(
                configuration: .forConcurrency(ThroughputRun.concurrency), executorLatency: ThroughputRun.modelLatency)
        }
    } teardown: {
        await slot.close()
    }

    // The control: the same 160 × 50 ms sleeps on 16 plain tasks, no pipeline. The gap between it
    // and the ideal is the timer's (sleeps overshoot), not the pipeline's.
    registerThroughputBenchmark("Baseline: 16 tasks sleeping 50 ms, no pipeline") {
        let rounds = ThroughputRun.taskCount / ThroughputRun.concurrency
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<ThroughputRun.concurrency {
                group.addTask {
                    for _ in 0..<rounds { try? await Task.sleep(for: ThroughputRun.modelLatency) }
                }
            }
        }
        return nil
    }
}

/// Times `run` (which completes `ThroughputRun.taskCount` tasks, or returns what went wrong),
/// records tasks/s and % of ideal as custom metrics, and prints the median ratio on teardown.
func registerThroughputBenchmark(
    _ name: String, run: @escaping @Sendable () async -> String?, setup: Benchmark.BenchmarkSetupHook? = nil,
    teardown: Benchmark.BenchmarkTeardownHook? = nil
) {
    let rates = LockedValue<[Double]>([])
    Benchmark(
        name,
        configuration: .init(
            metrics: [.wallClock, .throughput, ThroughputRun.tasksPerSecond, ThroughputRun.percentOfIdeal],
            timeUnits: .milliseconds, warmupIterations: 1, scalingFactor: .one, maxDuration: .seconds(15),
            maxIterations: 20)
    ) { benchmark in
        let clock = ContinuousClock()
        benchmark.startMeasurement()
        let start = clock.now
        let problem = await run()
        let elapsed = start.duration(to: clock.now)
        benchmark.stopMeasurement()
        if let problem { return benchmark.error(problem) }

        let rate = Double(ThroughputRun.taskCount) / elapsed.seconds
        if benchmark.currentIteration >= benchmark.configuration.warmupIterations { rates.withLock { $0.append(rate) } }
        benchmark.measurement(ThroughputRun.tasksPerSecond, Int(rate.rounded()))
        benchmark.measurement(
            ThroughputRun.percentOfIdeal, Int((100 * rate / ThroughputRun.idealTasksPerSecond).rounded()))
    } setup: {
        try await setup?()
    } teardown: {
        try await teardown?()
        let measured = rates.withLock { all -> [Double] in
            defer { all.removeAll() }
            return all
        }
        report(name, throughputs: measured)
    }
}

/// The ratio to the ideal, on stderr (stdout may carry an export with `--path stdout`).
func report(_ name: String, throughputs: [Double]) {
    guard !throughputs.isEmpty else { return }
    let sorted = throughputs.sorted()
    let median = sorted[sorted.count / 2]
    let ideal = ThroughputRun.idealTasksPerSecond
    let line =
        "\(name): median \(decimal(median)) tasks/s of ideal \(decimal(ideal)) = \(decimal(100 * median / ideal)) % "
        + "(min \(decimal(sorted[0])), max \(decimal(sorted[sorted.count - 1])), \(sorted.count) runs after warmup)\n"
    FileHandle.standardError.write(Data(line.utf8))
}

func decimal(_ value: Double) -> String {
    let tenths = Int((value * 10).rounded())
    return "\(tenths / 10).\(abs(tenths) % 10)"
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
