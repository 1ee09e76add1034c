/// The engine every entry point drives: Planner → Executor → Evaluator stages joined by bounded
/// channels (actors), each stage drained by its own pool of workers (`StageWorkers`), with the refine
/// edge back to the executor and admission control around the cycle.
///
/// One pipeline serves one CLI task, a whole batch file, or the daemon's queue: callers `submit`
/// tasks concurrently and each awaits its own result.
public final class Pipeline: Sendable {
    public let configuration: PipelineConfiguration
    let services: PipelineServices
    let gate: AdmissionGate
    let planInbox: BoundedChannel<TaskRun>
    let executeInbox: BoundedChannel<TaskRun>
    let evaluateInbox: BoundedChannel<TaskRun>
    let workers: LockedValue<[Task<Void, Never>]>
    let stages: (planner: StageWorkers, executor: StageWorkers, evaluator: StageWorkers)
    /// Finished tasks waiting for the learner (one worker: memory has a single writer).
    let learnInbox: BoundedChannel<FinishedTask>?
    let learnerWorker: Task<Void, Never>?

    public init(configuration: PipelineConfiguration = PipelineConfiguration(), services: PipelineServices) {
        self.configuration = configuration
        self.services = services
        gate = AdmissionGate(limit: configuration.maxInFlight)
        planInbox = BoundedChannel(capacity: configuration.channelCapacity)
        executeInbox = BoundedChannel(capacity: configuration.channelCapacity)
        evaluateInbox = BoundedChannel(capacity: configuration.channelCapacity)
        let learnInbox = services.memory.map { _ in BoundedChannel<FinishedTask>(capacity: configuration.maxInFlight) }
        self.learnInbox = learnInbox
        let finisher = Finisher(gate: gate, events: services.events, files: services.workspace, learner: learnInbox)
        if let memory = services.memory, let learnInbox {
            let learner = Learner(memory: memory, rubrics: services.rubrics, events: services.events)
            learnerWorker = Task { await StageWorkers().drain(learnInbox) { await learner.process($0) } }
        } else {
            learnerWorker = nil
        }

        let planner = Planner(next: executeInbox, finisher: finisher, events: services.events, memory: services.memory)
        let executor = Executor(next: evaluateInbox, finisher: finisher, services: services)
        let evaluator = Evaluator(refine: executeInbox, finisher: finisher, services: services)
        let stages = (planner: StageWorkers(), executor: StageWorkers(), evaluator: StageWorkers())
        self.stages = stages
        var tasks: [Task<Void, Never>] = []
        let (planInbox, executeInbox, evaluateInbox) = (planInbox, executeInbox, evaluateInbox)
        for _ in 0..<configuration.planners {
            tasks.append(Task { await stages.planner.drain(planInbox) { await planner.process($0) } })
        }
        for _ in 0..<configuration.executors {
            tasks.append(Task { await stages.executor.drain(executeInbox) { await executor.process($0) } })
        }
        for _ in 0..<configuration.evaluators {
            tasks.append(Task { await stages.evaluator.drain(evaluateInbox) { await evaluator.process($0) } })
        }
        workers = LockedValue(tasks)
    }

    /// Runs one task to its end. Suspends while `maxInFlight` tasks are already running (backpressure).
    /// Cancelling the calling task cancels the task's in-flight model call or tool.
    public func submit(_ spec: TaskSpec) async -> TaskResult {
        do {
            try await gate.acquire()
        } catch {
            let result = Finisher.unstarted(spec, decision: .cancelled, error: "task cancelled before it started")
            services.events.publish(TaskEvent(taskID: spec.id, kind: .finished(result)))
            return result
        }
        let roles: TaskRoles
        do {
            roles = try await services.router.roles(for: spec)
        } catch {
            await gate.release()
            let cancelled = error is CancellationError || Task.isCancelled
            let result = Finisher.unstarted(
                spec, decision: cancelled ? .cancelled : .failed,
                error: cancelled ? "task cancelled before it started" : Finisher.describe(error))
            services.events.publish(TaskEvent(taskID: spec.id, kind: .finished(result)))
            return result
        }
        let slot = ResultSlot()
        let run = TaskRun(spec: spec, roles: roles, slot: slot)
        services.events.publish(
            TaskEvent(
                taskID: spec.id,
                kind: .queued(
                    description: spec.description, model: roles.executor.label, maxIterations: spec.policy.maxIterations
                )))
        return await withTaskCancellationHandler {
            do {
                try await planInbox.send(run)
            } catch {
                await Finisher(gate: gate, events: services.events, files: services.workspace).finish(
                    run, decision: .cancelled, error: Task.isCancelled ? "task cancelled" : "pipeline shut down")
            }
            return await slot.wait()
        } onCancel: {
            run.control.cancel()
        }
    }

    /// Stops the stage workers once their inboxes drain. Call after every `submit` has returned.
    public func shutdown() async {
        await planInbox.finish()
        await executeInbox.finish()
        await evaluateInbox.finish()
        for task in workers.value { await task.value }
        // Only now: every stage has finished sending to the learner.
        await learnInbox?.finish()
        await learnerWorker?.value
    }

    public func statistics() async -> PipelineStatistics {
        PipelineStatistics(
            maxTasksInFlight: await gate.highWaterMark, maxPlanQueue: await planInbox.highWaterMark,
            maxExecuteQueue: await executeInbox.highWaterMark, maxEvaluateQueue: await evaluateInbox.highWaterMark,
            tasksInFlight: await gate.current, planner: stages.planner.metrics,
            executor: stages.executor.metrics, evaluator: stages.evaluator.metrics)
    }
}
