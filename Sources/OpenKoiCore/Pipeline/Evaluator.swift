/// Stage 3: judges an attempt, decides, and either finishes the task or sends it back to the
/// executor with the findings (the refine edge, on the reserved lane — see `BoundedChannel`).
struct Evaluator: Sendable {
    let refine: BoundedChannel<TaskRun>
    let finisher: Finisher
    let step: EvaluationStep
    let events: any EventSink
    let probe: (any IterationProbe)?

    init(
        refine: BoundedChannel<TaskRun>, finisher: Finisher, services: PipelineServices
    ) {
        self.refine = refine
        self.finisher = finisher
        self.step = EvaluationStep(rubrics: services.rubrics, check: services.objectiveCheck, files: services.workspace)
        self.events = services.events
        self.probe = services.iterationProbe
    }

    func process(_ incoming: TaskRun) async {
        var run = incoming
        guard let attempt = run.pendingAttempt else {
            return await finisher.finish(run, decision: .failed, error: "internal error: nothing to evaluate")
        }
        run.pendingAttempt = nil
        let iteration = run.nextIteration
        let id = run.spec.id
        events.publish(TaskEvent(taskID: id, kind: .evaluating(iteration: iteration)))
        if let reason = Self.skipReason(run, attempt) {
            // A confident, short answer to a plain question: judging it would cost more than it could change.
            notice(id, iteration, .evaluationSkipped(reason))
            let verdict = Verdict(dimensions: [], findings: [], judgeSkipped: reason)
            events.publish(
                TaskEvent(taskID: id, kind: .evaluated(iteration: iteration, verdict: verdict, identicalOutput: false)))
            run.append(
                IterationRecord(
                    number: iteration, output: attempt.output, verdict: verdict, usage: attempt.usage, decision: .accept
                ))
            await probe?.inspect(
                JudgedIteration(taskID: id, number: iteration, output: attempt.output, score: nil, decision: .accept))
            events.publish(
                TaskEvent(
                    taskID: id,
                    kind: .decided(
                        iteration: iteration, score: nil, decision: .accept, totalCostUSD: run.meter.costUSD,
                        totalTokens: run.meter.usage.total)))
            return await finisher.finish(run, decision: .accept)
        }

        let previous = run.iterations.last
        // Reuse a verdict only for the same plain answer: an attempt that acted through tools may have
        // changed files behind the same words, and an unscored verdict deserves another try.
        let identical =
            previous.map {
                $0.output == attempt.output && !$0.usedTools && attempt.actions.isEmpty && $0.verdict?.score != nil
            } ?? false
        var verdict: Verdict
        var rejudge: (@Sendable () async -> Rejudged?)?
        if attempt.output.trimmed.isEmpty {
            // Nothing to judge: an empty answer scores 0 on its face, and the next iteration is told so.
            verdict = Verdict(
                dimensions: [DimensionScore(name: "answer", score: 0, weight: 1)],
                findings: [
                    Finding(
                        id: "A1", severity: .blocker, dimension: "answer", title: "Empty answer",
                        description: "The model returned no text.", fix: "Give the complete answer as text.")
                ])
        } else if identical, let reused = previous?.verdict {
            // Same answer as last time: the same verdict applies, and judging it again would only cost tokens.
            verdict = reused
            verdict.usage = .zero
        } else {
            let step = self.step
            let spec = run.spec
            let plan = run.plan
            let judge = run.roles.evaluator
            let intent = run.intent
            let earlier = run.iterations.compactMap { $0.verdict?.judgeScores }.filter { !$0.isEmpty }
            let weakJudge = Self.judgesItself(run.roles)
            let context = ModelCallContext(taskID: id, phase: .evaluate)
            rejudge = {
                guard
                    let again = try? await ModelCallContext.$current.withValue(
                        context,
                        operation: {
                            try await step.evaluate(
                                task: spec, plan: plan, attempt: attempt, judge: judge, intent: intent,
                                earlierJudgeScores: earlier, judgeIsExecutor: weakJudge)
                        })
                else { return nil }
                return Rejudged(
                    score: again.score, usage: again.usage, costUSD: (again.pricing ?? judge.pricing).cost(again.usage))
            }
            switch await run.control.perform({
                try await ModelCallContext.$current.withValue(context) {
                    try await step.evaluate(
                        task: spec, plan: plan, attempt: attempt, judge: judge, intent: intent,
                        earlierJudgeScores: earlier, judgeIsExecutor: weakJudge)
                }
            }) {
            case .success(let judged):
                verdict = judged
            case .failure(.stopped(let cause)):
                run.append(
                    IterationRecord(
                        number: iteration, output: attempt.output, verdict: nil, usage: attempt.usage,
                        decision: .continue))
                let (decision, message) = Finisher.describe(cause, policy: run.policy)
                return await finisher.finish(run, decision: decision, error: message)
            case .failure(.error(let error)):
                verdict = Verdict(
                    dimensions: [], findings: [],
                    judgeProblem: JudgeProblem(
                        .callFailed, "evaluation failed: \(Finisher.describe(error))"))
            }
            if weakJudge, verdict.judgeSkipped == nil, !run.toldJudgeIsExecutor {
                // Said when the judge first really judges: a skipped or objective-only evaluation used no judge.
                run.toldJudgeIsExecutor = true
                notice(id, iteration, .judgeIsExecutor(model: judge.label))
            }
            run.meter.record(verdict.usage, pricing: verdict.pricing ?? judge.pricing, phase: .evaluate)
            events.publish(
                TaskEvent(
                    taskID: id,
                    kind: .usage(phase: .evaluate, totalUsage: run.meter.usage, totalCostUSD: run.meter.costUSD)))
            if run.meter.takeCostWarning(run.policy) {
                notice(id, iteration, .budgetWarning(spentUSD: run.meter.costUSD, limitUSD: run.policy.maxCostUSD))
            }
            report(verdict, task: id, iteration: iteration)
        }
        events.publish(
            TaskEvent(taskID: id, kind: .evaluated(iteration: iteration, verdict: verdict, identicalOutput: identical)))

        let record = IterationRecord(
            number: iteration, output: attempt.output, verdict: verdict, usage: attempt.usage, decision: .continue,
            usedTools: !attempt.actions.isEmpty)
        var decision = DecisionPolicy.decide(run.iterations + [record], policy: run.policy)
        var reason: String?
        if decision == .continue || decision == .acceptBest || decision == .plateau,
            let stop = run.meter.exceeded(run.policy)
        {
            decision = stop
            reason = run.meter.explanation(for: stop, policy: run.policy)
        } else if decision == .abortRegression {
            reason =
                "score regressed by more than \(NumberText.fixed(run.policy.regressionThreshold, decimals: 2)) from the best iteration; returning the best iteration"
        } else if decision == .continue, Self.refinementIsNoise(run, attempt) {
            decision = .acceptBest
            reason =
                "a small local model judging its own short answer to a simple question is too weak a signal to refine on; returning the first answer (set [models] evaluator to a stronger model to refine)"
        } else if decision == .acceptBest, verdict.score == nil, iteration < run.policy.maxIterations {
            reason =
                "iteration \(iteration) could not be scored, so it does not drive a refinement; returning the best scored iteration"
        }
        var recorded = record
        recorded.decision = decision
        run.append(recorded)
        await probe?.inspect(
            JudgedIteration(
                taskID: id, number: iteration, output: attempt.output, score: verdict.score, decision: decision,
                rejudge: rejudge))
        events.publish(
            TaskEvent(
                taskID: id,
                kind: .decided(
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

    /// Progress notices for what the evaluation did not use or could not do.
    private func report(_ verdict: Verdict, task id: String, iteration: Int) {
        if let reason = verdict.objective.testsNotRun { notice(id, iteration, .testsNotRun(reason)) }
        if let problem = verdict.judgeProblem { notice(id, iteration, .judgeProblem(problem)) }
        if let skipped = verdict.judgeSkipped { notice(id, iteration, .judgeNotAsked(skipped)) }
        if verdict.dropped.total > 0, verdict.judgeProblem == nil {
            notice(id, iteration, .findingsDropped(verdict.dropped))
        }
    }

    private func notice(_ id: String, _ iteration: Int, _ notice: Notice) {
        events.publish(TaskEvent(taskID: id, kind: .notice(iteration: iteration, notice)))
    }

    /// Answers this short to a trivial question are not judged when the model was confident.
    static let skippableAnswerLength = 400

    /// Why this attempt need not be judged, or `nil`.
    static func skipReason(_ run: TaskRun, _ attempt: Attempt) -> String? {
        guard run.isTrivial, attempt.actions.isEmpty, !attempt.output.trimmed.isEmpty,
            attempt.output.count <= skippableAnswerLength, let confidence = attempt.confidence,
            confidence >= run.policy.skipEvalConfidence
        else { return nil }
        return
            "a short answer to a simple question, given with confidence \(NumberText.fixed(confidence, decimals: 2)) "
            + "(skip_eval_confidence is \(NumberText.fixed(run.policy.skipEvalConfidence, decimals: 2)))"
    }

    /// A trivial question answered without tools, judged by the executor's own small local model:
    /// re-asking that model with its own critique turns a right answer into a reworded (or wrong)
    /// one about as often as it fixes a wrong one, so the first answer stands.
    static func refinementIsNoise(_ run: TaskRun, _ attempt: Attempt) -> Bool {
        run.isTrivial && attempt.actions.isEmpty && judgesItself(run.roles) && run.roles.evaluator.isSmallLocal
    }

    /// The judge is the executor's own small local model.
    static func judgesItself(_ roles: TaskRoles) -> Bool {
        roles.evaluator.label == roles.executor.label && roles.evaluator.pricing == .free
    }
}
