import OpenKoiCore

/// Runs one trial's task through the pipeline in a given workspace: the CLI builds a pipeline on
/// the user's config and providers; benchmarks plug in a zero-latency model.
public protocol TrialExecutor: Sendable {
    /// - Parameters:
    ///   - workspace: the trial's own copy of the task's files (the tools' working directory).
    ///   - probe: must be handed to the pipeline, which calls it after each judged iteration.
    ///   - events: must receive the pipeline's events (time to first token is read from them).
    func run(_ spec: TaskSpec, workspace: String, probe: any IterationProbe, events: any EventSink) async -> TrialRun

    /// The price of `model`'s tokens; `nil` when it is not known (its costs then show as unknown).
    func pricing(for model: String) async -> ModelPricing?

    /// Models in the same lane take turns (`--concurrency` trials at once for the lane): models
    /// served on this machine share its CPU, so running two at once slows both far more than twice.
    /// Each API model gets a lane of its own, so a slow local model does not hold it back.
    func lane(for model: String) async -> String
}

extension TrialExecutor {
    public func lane(for model: String) async -> String { model }
}

/// What the pipeline returned for a trial.
public struct TrialRun: Sendable {
    public var result: TaskResult
    /// Every model the trial used has a known price, so `result.costUSD` is the real cost.
    public var priced: Bool

    public init(result: TaskResult, priced: Bool) {
        self.result = result
        self.priced = priced
    }
}
