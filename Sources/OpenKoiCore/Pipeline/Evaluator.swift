/// Stage 3: judges an attempt, decides, and either finishes the task or sends it back to the
/// executor with the findings (the refine edge, on the reserved lane — see `BoundedChannel`).
actor Evaluator {
    let inbox: BoundedChannel<TaskRun>
    let refine: BoundedChannel<TaskRun>
    let finisher: Finisher
    let step: EvaluationStep
    let events: any EventSink

    init(inbox: BoundedChannel<TaskRun>, refine: BoundedChannel<TaskRun>, finisher: Finisher, services: PipelineServices) {
        self.inbox = inbox
        self.refine = refine
        self.finisher = finisher
        self.step = EvaluationStep(rubrics: services.rubrics, check: services.objectiveCheck)
        self.events = services.events
    }

    nonisolated func work() async {
        while let run = await inbox.receive() {
            await process(run)
        }
    }

    nonisolated func process(_ incoming: TaskRun) async {
        var run = incoming
        guard let attempt = run.pendingAttempt else {
            return await finisher.finish(run, decision: .failed, error: "internal error: nothing to evaluate")
        }
        run.pendingAttempt = nil
        let iteration = run.nextIteration
        let id = run.spec.id
        events.publish(TaskEvent(taskID: id, kind: .evaluating(iteration: iteration)))

        let previous = run.iterations.last
        // Reuse a verdict only for the same plain answer: an attempt that acted through tools may have
        // changed files behind the same words, and an unscored (failed) verdict deserves another try.
        let identical = previous.map {
            $0.output == attempt.output && !$0.usedTools && attempt.actions.isEmpty && $0.verdict?.score != nil
        } ?? false
        var verdict: Verdict
        if attempt.output.trimmed.isEmpty {
            // Nothing to judge: an empty answer scores 0 on its face, and the next iteration is told so.
            verdict = Verdict(
                dimensions: [DimensionScore(name: "answer", score: 0, weight: 1)],
                findings: [Finding(id: "A1", severity: .blocker, dimension: "answer", title: "Empty answer",
                                   description: "The model returned no text.", fix: "Give the complete answer as text.")])
        } else if identical, let reused = previous?.verdict {
            // Same answer as last time: the same verdict applies, and judging it again would only cost tokens.
            verdict = reused
            verdict.usage = .zero
        } else {
            let step = self.step
            let spec = run.spec
            let plan = run.plan
            let judge = run.roles.evaluator
            switch await run.control.perform({ try await step.evaluate(task: spec, plan: plan, attempt: attempt, judge: judge) }) {
            case .success(let judged):
                verdict = judged
            case .failure(.stopped(let cause)):
                run.iterations.append(IterationRecord(number: iteration, output: attempt.output, verdict: nil, usage: attempt.usage, decision: .continue))
                let (decision, message) = Finisher.describe(cause, policy: run.policy)
                return await finisher.finish(run, decision: decision, error: message)
            case .failure(.error(let error)):
                // A judge that cannot be reached is a finding on this iteration, not a crash or a made-up score.
                verdict = Verdict(dimensions: [], findings: [
                    Finding(id: "E1", severity: .important, dimension: "evaluation", title: "Evaluator call failed",
                            description: Finisher.describe(error))
                ])
            }
            run.meter.record(verdict.usage, pricing: judge.pricing)
            events.publish(TaskEvent(taskID: id, kind: .usage(phase: .evaluate, totalUsage: run.meter.usage, totalCostUSD: run.meter.costUSD)))
        }
        events.publish(TaskEvent(taskID: id, kind: .evaluated(iteration: iteration, verdict: verdict, identicalOutput: identical)))

        let scores = run.iterations.map(\.score) + [verdict.score]
        var decision = DecisionPolicy.decide(scores: scores, iteration: iteration, policy: run.policy)
        var reason: String?
        if decision == .continue || decision == .acceptBest || decision == .plateau, let stop = run.meter.exceeded(run.policy) {
            decision = stop
            reason = run.meter.explanation(for: stop, policy: run.policy)
        }
        if decision == .abortRegression {
            reason = "score regressed by more than \(BudgetMeter.fixed(run.policy.regressionThreshold, decimals: 2)); returning the best iteration"
        }
        run.iterations.append(IterationRecord(
            number: iteration, output: attempt.output, verdict: verdict, usage: attempt.usage, decision: decision,
            usedTools: !attempt.actions.isEmpty))
        events.publish(TaskEvent(taskID: id, kind: .decided(
            iteration: iteration, score: verdict.score, decision: decision, totalCostUSD: run.meter.costUSD,
            totalTokens: run.meter.usage.total)))

        guard decision == .continue else {
            return await finisher.finish(run, decision: decision, error: reason)
        }
        run.plan.addMissingSteps(verdict.missingSteps)
        do {
            try await refine.sendReserved(run)
        } catch {
            await finisher.finish(run, decision: .cancelled, error: "pipeline shut down")
        }
    }
}
