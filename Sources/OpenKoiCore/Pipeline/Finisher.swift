/// Ends a task: picks the best iteration, builds the result, hands it to the submitter, frees its slot.
struct Finisher: Sendable {
    let gate: AdmissionGate
    let events: any EventSink

    func finish(_ run: TaskRun, decision: Decision, error: String? = nil) async {
        run.control.finish()
        var result = Self.result(for: run, decision: decision, error: error)
        // An accepted task must deliver something: an empty answer is a failure, never "exit 0, no output".
        if result.output.trimmed.isEmpty, result.status == .accepted || result.status == .acceptedBest {
            result.decision = .failed
            result.error = "the model returned an empty answer in every iteration (\(run.roles.executor.label))"
        }
        events.publish(TaskEvent(taskID: run.spec.id, kind: .finished(result)))
        run.slot.deliver(result)
        await gate.release()
    }

    static func result(for run: TaskRun, decision: Decision, error: String?) -> TaskResult {
        let best = DecisionPolicy.bestIndex(run.iterations)
        let record = best.map { run.iterations[$0] }
        let elapsed = run.started.duration(to: .now)
        let milliseconds = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        return TaskResult(
            taskID: run.spec.id, description: run.spec.description, output: record?.output ?? "", score: record?.score,
            iterations: run.iterations.count, bestIteration: best.map { $0 + 1 }, decision: decision,
            usage: run.meter.usage, costUSD: run.meter.costUSD, durationMS: milliseconds, error: error,
            findings: record?.verdict?.findings ?? [], model: run.roles.executor.label)
    }

    /// A task that never reached a stage (its models could not be resolved, or it was cancelled while queued).
    static func unstarted(_ spec: TaskSpec, decision: Decision, error: String) -> TaskResult {
        TaskResult(
            taskID: spec.id, description: spec.description, output: "", score: nil, iterations: 0, bestIteration: nil,
            decision: decision, usage: .zero, costUSD: 0, durationMS: 0, error: error, findings: [], model: spec.model ?? "")
    }

    /// Words for a stop caused by cancellation or the wall-clock budget.
    static func describe(_ cause: RunControl.StopCause, policy: TaskPolicy) -> (Decision, String) {
        switch cause {
        case .cancelled: return (.cancelled, "task cancelled")
        case .timedOut:
            return (.abortTimeout, "wall-clock budget of \(BudgetMeter.fixed(policy.timeoutSeconds, decimals: 0)) s exhausted; the call in flight was cancelled (raise it with --timeout or [iteration] timeout_seconds)")
        }
    }

    /// A user-facing message for a failed step.
    static func describe(_ error: any Error) -> String {
        if let provider = error as? ProviderError { return provider.description }
        return String(describing: error)
    }
}
