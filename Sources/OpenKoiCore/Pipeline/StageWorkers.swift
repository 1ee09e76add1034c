/// A stage's worker pool and its live counts: the state the pipeline's stages have.
///
/// The stages themselves (`Planner`, `Executor`, `Evaluator`) are plain values: each run they
/// process is a `TaskRun` passed along the channels, so nothing about one run is shared between
/// workers. What a stage does own — how many workers drain its inbox, how many are busy, how many
/// runs they finished — lives here, in one actor per stage, and is what `Pipeline.statistics()`
/// (and later `openkoi status` and the daemon) report.
actor StageWorkers {
    private var workers = 0
    private var busy = 0
    private var processed = 0
    private var mostBusy = 0

    /// One worker: takes runs from `inbox` until it is finished and drained.
    func drain(_ inbox: BoundedChannel<TaskRun>, with process: @Sendable (TaskRun) async -> Void) async {
        workers += 1
        defer { workers -= 1 }
        while let run = await inbox.receive() {
            busy += 1
            mostBusy = max(mostBusy, busy)
            await process(run)
            busy -= 1
            processed += 1
        }
    }

    var metrics: StageMetrics {
        StageMetrics(workers: workers, busy: busy, processed: processed, mostBusy: mostBusy)
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
