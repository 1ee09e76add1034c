/// Stage 1: turns a task into a plan (or skips planning for trivial tasks), then hands it to the executor.
struct Planner: Sendable {
    let step = PlanningStep()
    let next: BoundedChannel<TaskRun>
    let finisher: Finisher
    let events: any EventSink
    let memory: (any TaskMemory)?

    init(next: BoundedChannel<TaskRun>, finisher: Finisher, events: any EventSink, memory: (any TaskMemory)? = nil) {
        self.next = next
        self.finisher = finisher
        self.events = events
        self.memory = memory
    }

    /// A small local model's plan costs ~25 s of generation and ~150 prompt tokens on every later
    /// call (~5 s each at 35 tokens/s on 2 cores), and its steps rarely add to the task's own words.
    static func planCostsMoreThanItHelps(_ planner: ModelBinding) -> Bool {
        planner.isSmallLocal
    }

    func process(_ incoming: TaskRun) async {
        var run = incoming
        let id = run.spec.id
        if let memory {
            run.recollection = await memory.recall(for: run.spec)
            events.publish(TaskEvent(taskID: id, kind: .recalled(run.recollection)))
        }
        if run.policy.maxIterations == 0 || run.isTrivial || Self.planCostsMoreThanItHelps(run.roles.planner) {
            run.plan = Plan(steps: [run.spec.description], skipped: true)
        } else {
            events.publish(TaskEvent(taskID: id, kind: .planning))
            let step = self.step
            let spec = run.spec
            let planner = run.roles.planner
            let memory = run.recollection.promptSection(budgetCharacters: Executor.memoryBudget(planner))
            let context = ModelCallContext(taskID: id, phase: .plan)
            switch await run.control.perform({
                try await ModelCallContext.$current.withValue(context) {
                    try await step.plan(task: spec, planner: planner, memory: memory)
                }
            }) {
            case .success(let (plan, usage, answeredPricing)):
                run.plan = plan
                run.meter.record(usage, pricing: answeredPricing ?? planner.pricing, phase: .plan)
                events.publish(
                    TaskEvent(
                        taskID: id,
                        kind: .usage(phase: .plan, totalUsage: run.meter.usage, totalCostUSD: run.meter.costUSD)))
                if run.meter.takeCostWarning(run.policy) {
                    let warning = Notice.budgetWarning(spentUSD: run.meter.costUSD, limitUSD: run.policy.maxCostUSD)
                    events.publish(TaskEvent(taskID: id, kind: .notice(iteration: nil, warning)))
                }
            case .failure(.stopped(let cause)):
                let (decision, message) = Finisher.describe(cause, policy: run.policy)
                return await finisher.finish(run, decision: decision, error: message)
            case .failure(.error(let error)):
                return await finisher.finish(
                    run, decision: .failed, error: "planning failed: \(Finisher.describe(error))")
            }
        }
        events.publish(TaskEvent(taskID: id, kind: .planReady(run.plan)))
        do {
            try await next.send(run)
        } catch {
            await finisher.finish(run, decision: .cancelled, error: "pipeline shut down")
        }
    }
}
