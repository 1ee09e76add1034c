import Synchronization

/// A stage's worker pool and its live counts: the state the pipeline's stages have.
///
/// The stages themselves (`Planner`, `Executor`, `Evaluator`) are plain values: each run they
/// process is a `TaskRun` passed along the channels, so nothing about one run is shared between
/// workers. What a stage does own — how many workers drain its inbox, how many are busy, how many
/// runs they finished — lives here, one per stage, and is what `Pipeline.statistics()` (and later
/// `openkoi status` and the daemon) report. Atomic counters rather than an actor: a count is bumped
/// twice per run per stage, and with an actor hop each time the throughput benchmark measured
/// 88.8 % of ideal against 90.5 % with atomics.
final class StageWorkers: Sendable {
    private let workers = Atomic<Int>(0)
    private let busy = Atomic<Int>(0)
    private let processed = Atomic<Int>(0)
    private let mostBusy = Atomic<Int>(0)

    /// One worker: takes runs from `inbox` until it is finished and drained.
    func drain<Item: Sendable>(_ inbox: BoundedChannel<Item>, with process: @Sendable (Item) async -> Void) async {
        workers.wrappingAdd(1, ordering: .relaxed)
        defer { workers.wrappingSubtract(1, ordering: .relaxed) }
        while let run = await inbox.receive() {
            let now = busy.wrappingAdd(1, ordering: .relaxed).newValue
            var seen = mostBusy.load(ordering: .relaxed)
            while now > seen {
                let (exchanged, original) = mostBusy.compareExchange(
                    expected: seen, desired: now, ordering: .relaxed)
                if exchanged { break }
                seen = original
            }
            await process(run)
            busy.wrappingSubtract(1, ordering: .relaxed)
            processed.wrappingAdd(1, ordering: .relaxed)
        }
    }

    var metrics: StageMetrics {
        StageMetrics(
            workers: workers.load(ordering: .relaxed), busy: busy.load(ordering: .relaxed),
            processed: processed.load(ordering: .relaxed), mostBusy: mostBusy.load(ordering: .relaxed))
    }
}

/// A stage's counts at one moment.
public struct StageMetrics: Sendable, Hashable {
    /// Workers draining the stage's inbox.
    public var workers: Int
    /// Workers processing a run now.
    public var busy: Int
    /// Runs processed so far (an iteration of a task is one run through the executor and evaluator).
    public var processed: Int
    /// Most workers busy at once.
    public var mostBusy: Int
}
