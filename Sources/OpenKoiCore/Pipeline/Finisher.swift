/// Ends a task: picks the iteration to return, puts its files back if a later attempt changed
/// them, builds the result, hands it to the submitter, frees its slot.
struct Finisher: Sendable {
    let gate: AdmissionGate
    let events: any EventSink
    var files: (any WorkspaceFiles)?
    /// Where finished tasks go to be learned from (`nil`: nothing is remembered).
    var learner: BoundedChannel<FinishedTask>? = nil

    func finish(_ run: TaskRun, decision: Decision, error: String? = nil) async {
        run.control.finish()
        let returned = DecisionPolicy.returnedIndex(
            run.iterations, decision: decision, margin: run.policy.improvementThreshold)
        if let returned, returned != run.iterations.count - 1 {
            // The answer returned is an earlier iteration's: so are the files the task leaves behind.
            await restoreFiles(of: run, toIteration: run.iterations[returned].number)
        }
        var result = Self.result(for: run, decision: decision, error: error, returned: returned)
        // An accepted task must deliver something: an empty answer is a failure, never "exit 0, no output".
        if result.output.trimmed.isEmpty, result.status == .accepted || result.status == .acceptedBest {
            result.decision = .failed
            result.error = "the model returned an empty answer in every iteration (\(run.roles.executor.label))"
        }
        events.publish(TaskEvent(taskID: run.spec.id, kind: .finished(result)))
        run.slot.deliver(result)
        await gate.release()
        // After delivery: the caller has its answer while the lessons are drawn. `Pipeline.shutdown`
        // waits for the stages before closing this inbox, so nothing sent here is lost.
        try? await learner?.send(FinishedTask(run: run, result: result))
    }

    /// Puts the files the task changed back as they were after `iteration`, and says so.
    /// - Parameter shownAt: the iteration progress files the notice under (default: the one restored to).
    func restoreFiles(of run: TaskRun, toIteration iteration: Int, shownAt: Int? = nil) async {
        guard let files, !run.originals.isEmpty else { return }
        let label = shownAt ?? iteration
        do {
            let changed = try await files.restore(run.files(after: iteration))
            if !changed.isEmpty {
                events.publish(
                    TaskEvent(
                        taskID: run.spec.id,
                        kind: .notice(
                            iteration: label, .workspaceRestored(toIteration: iteration, paths: changed))))
            }
        } catch {
            events.publish(
                TaskEvent(
                    taskID: run.spec.id,
                    kind: .notice(
                        iteration: label, .restoreFailed(iteration: iteration, reason: String(describing: error)))))
        }
    }

    static func result(for run: TaskRun, decision: Decision, error: String?, returned: Int?) -> TaskResult {
        let record = returned.map { run.iterations[$0] }
        let elapsed = run.started.duration(to: .now)
        let milliseconds = Int(
            elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        var error = error
        if error == nil, decision == .unscored {
            error =
                "no iteration could be scored (the judge failed or was not trusted, and there were no tests); "
                + "the first answer is returned unverified"
        }
        var result = TaskResult(
            taskID: run.spec.id, description: run.spec.description, output: record?.output ?? "", score: record?.score,
            iterations: run.iterations.count, bestIteration: returned.map { $0 + 1 }, decision: decision,
            usage: run.meter.usage, costUSD: run.meter.costUSD, durationMS: milliseconds, error: error,
            findings: record?.verdict?.findings ?? [], model: run.meter.executorServedBy ?? run.roles.executor.label,
            judgeProblems: run.iterations.compactMap { $0.verdict?.judgeProblem?.message })
        result.costByPhase = Dictionary(uniqueKeysWithValues: run.meter.costByPhase.map { ($0.key.rawValue, $0.value) })
        return result
    }

    /// A task that never reached a stage (its models could not be resolved, or it was cancelled while queued).
    static func unstarted(_ spec: TaskSpec, decision: Decision, error: String) -> TaskResult {
        TaskResult(
            taskID: spec.id, description: spec.description, output: "", score: nil, iterations: 0, bestIteration: nil,
            decision: decision, usage: .zero, costUSD: 0, durationMS: 0, error: error, findings: [],
            model: spec.model ?? "")
    }

    /// Words for a stop caused by cancellation or the wall-clock budget.
    static func describe(_ cause: RunControl.StopCause, policy: TaskPolicy) -> (Decision, String) {
        switch cause {
        case .cancelled: return (.cancelled, "task cancelled")
        case .timedOut:
            return (
                .abortTimeout,
                "wall-clock budget of \(NumberText.fixed(policy.timeoutSeconds, decimals: 0)) s exhausted; the call in flight was cancelled (raise it with --timeout or [iteration] timeout_seconds)"
            )
        }
    }

    /// A user-facing message for a failed step.
    static func describe(_ error: any Error) -> String {
        if let provider = error as? ProviderError { return provider.description }
        return String(describing: error)
    }
}
