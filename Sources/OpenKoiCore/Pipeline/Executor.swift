/// Stage 2: runs one execution (the tool-call loop) for a task, then hands the attempt to the evaluator.
actor Executor {
    let inbox: BoundedChannel<TaskRun>
    let next: BoundedChannel<TaskRun>
    let finisher: Finisher
    let services: PipelineServices

    init(inbox: BoundedChannel<TaskRun>, next: BoundedChannel<TaskRun>, finisher: Finisher, services: PipelineServices) {
        self.inbox = inbox
        self.next = next
        self.finisher = finisher
        self.services = services
    }

    nonisolated func work() async {
        while let run = await inbox.receive() {
            await process(run)
        }
    }

    nonisolated func process(_ incoming: TaskRun) async {
        var run = incoming
        let iteration = run.nextIteration
        let maxIterations = max(1, run.policy.maxIterations)
        let events = services.events
        events.publish(TaskEvent(taskID: run.spec.id, kind: .iterationStarted(iteration: iteration, maxIterations: maxIterations)))

        let count = run.iterations.count
        let identicalBefore = count >= 2 && run.iterations[count - 1].output == run.iterations[count - 2].output
        // A plain question is answered without tools: offering them only distracts small models.
        let tools: any ToolBox = run.isTrivial ? EmptyToolBox() : services.tools
        let system = ExecutorPrompt.system(task: run.spec, plan: run.plan, tools: tools.definitions, identity: services.identity)
        let messages = ExecutorPrompt.messages(task: run.spec, previous: run.iterations.last, identicalBefore: identicalBefore)
        let loop = ToolLoop(
            binding: run.roles.executor, tools: tools, events: events, taskID: run.spec.id, iteration: iteration,
            policy: run.policy)
        let spend = LockedValue(run.meter)
        let outcome = await run.control.perform { try await loop.run(system: system, messages: messages, spend: spend) }
        run.meter = spend.value
        switch outcome {
        case .success(let attempt):
            if let stop = attempt.stop {
                run.iterations.append(IterationRecord(number: iteration, output: attempt.output, verdict: nil, usage: attempt.usage, decision: stop))
                return await finisher.finish(run, decision: stop, error: attempt.stopReason)
            }
            if run.policy.maxIterations == 0 {
                // `-i 0`: execute once and return the answer without judging it.
                run.iterations.append(
                    IterationRecord(number: iteration, output: attempt.output, verdict: nil, usage: attempt.usage, decision: .acceptBest))
                return await finisher.finish(run, decision: .acceptBest)
            }
            run.pendingAttempt = attempt
            do {
                try await next.send(run)
            } catch {
                await finisher.finish(run, decision: .cancelled, error: "pipeline shut down")
            }
        case .failure(.stopped(let cause)):
            let (decision, message) = Finisher.describe(cause, policy: run.policy)
            await finisher.finish(run, decision: decision, error: message)
        case .failure(.error(let error)):
            await finisher.finish(run, decision: .failed, error: "execution failed: \(Finisher.describe(error))")
        }
    }
}
