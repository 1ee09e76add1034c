/// Stage 2: runs one execution (the tool-call loop) for a task, then hands the attempt to the evaluator.
///
/// From the second iteration on it builds on the best iteration so far, not merely the last: a
/// worse last attempt is undone (its files put back) before the model tries again.
struct Executor: Sendable {
    let next: BoundedChannel<TaskRun>
    let finisher: Finisher
    let services: PipelineServices

    init(next: BoundedChannel<TaskRun>, finisher: Finisher, services: PipelineServices) {
        self.next = next
        self.finisher = finisher
        self.services = services
    }

    func process(_ incoming: TaskRun) async {
        var run = incoming
        run.iterationStart = (.now, run.meter.costUSD)
        let iteration = run.nextIteration
        let maxIterations = max(1, run.policy.maxIterations)
        let events = services.events
        events.publish(
            TaskEvent(taskID: run.spec.id, kind: .iterationStarted(iteration: iteration, maxIterations: maxIterations)))

        // A plain question is answered without tools: offering them only distracts small models.
        let tools: any ToolBox = run.isTrivial ? EmptyToolBox() : services.tools
        let files = run.isTrivial ? nil : services.workspace
        let binding = run.roles.executor
        let style = await services.toolStyles.style(for: binding)
        let budget = Self.promptBudget(binding)
        if let files, run.snapshot == nil {
            run.snapshot = await files.snapshot(characterBudget: budget, mentioned: run.intent.mentionedPaths)
        }
        var refine = await refineContext(&run, files: files, budget: budget / 2, style: style)
        if style == .text, refine?.restarts == false, let files {
            refine?.currentSnapshot = await files.snapshot(
                characterBudget: budget, mentioned: run.intent.mentionedPaths)
        }
        let protectsTests = !run.intent.allowsTestChanges && !tools.definitions.isEmpty
        let shownInFull =
            run.snapshot.map { !$0.isEmpty && $0.unlisted == 0 && $0.contents.count == $0.files.count } ?? false
        let system = ExecutorPrompt.system(
            task: run.spec, plan: run.plan, tools: tools.definitions, style: style,
            identity: binding.isSmallLocal && services.identityIsDefault ? ExecutorPrompt.identity : services.identity,
            protectsTests: protectsTests, textTools: !shownInFull,
            memory: run.recollection.promptSection(budgetCharacters: Self.memoryBudget(binding)),
            examplePath: ExecutorPrompt.examplePath(
                intentPaths: run.intent.expectedFiles + run.intent.mentionedPaths, snapshot: run.snapshot,
                tests: Set(run.snapshot?.testFiles ?? [])))
        let messages = ExecutorPrompt.messages(
            task: run.spec, snapshot: run.snapshot, refine: refine, style: style, protectsTests: protectsTests)
        var loop = ToolLoop(
            binding: binding, tools: tools, events: events, taskID: run.spec.id, iteration: iteration,
            policy: run.policy)
        loop.style = style
        loop.context = ToolCallContext(allowsTestChanges: run.intent.allowsTestChanges)
        loop.files = files
        if files != nil {
            loop.scope = EditScope(
                knownPaths: Set(run.snapshot?.files ?? []), mentionedPaths: Set(run.intent.mentionedPaths),
                protectedPaths: protectsTests ? Set(run.snapshot?.testFiles ?? []) : [])
        }
        // Greedy for the first attempt — what one request would get, and the same every time, so a
        // run with more iterations starts from the same answer — warmer when a refinement must find
        // something different, warmer still after an attempt changed nothing.
        loop.temperature =
            iteration == 1 ? 0 : (refine?.unchanged == true || refine?.repeatedAnswer == true ? 1.0 : 0.8)
        loop.wantsConfidence = run.isTrivial
        loop.textCalls = !shownInFull
        if protectsTests, style == .text {
            loop.stopSequences = ExecutorPrompt.stopSequences(protecting: run.snapshot?.testFiles ?? [])
        }
        let spend = LockedValue(run.meter)
        let configured = loop
        let outcome = await run.control.perform {
            try await configured.run(system: system, messages: messages, spend: spend)
        }
        run.meter = spend.value
        switch outcome {
        case .success(let (attempt, observation)):
            for (path, text) in attempt.originals where run.originals[path] == nil { run.originals[path] = text }
            if let files, !run.originals.isEmpty {
                run.checkpoints[iteration] = await files.contents(of: Array(run.originals.keys))
            }
            if style == .native, !tools.definitions.isEmpty,
                let learned = await services.toolStyles.observe(
                    binding, nativeCalls: observation.nativeCalls, textCalls: observation.textCalls)
            {
                events.publish(
                    TaskEvent(
                        taskID: run.spec.id,
                        kind: .notice(
                            iteration: iteration, .toolStyleLearned(model: binding.label, style: learned))))
            }
            if let stop = attempt.stop {
                run.append(
                    IterationRecord(
                        number: iteration, output: attempt.output, verdict: nil, usage: attempt.usage, decision: stop))
                return await finisher.finish(run, decision: stop, error: attempt.stopReason)
            }
            if run.policy.maxIterations == 0 {
                // `-i 0`: execute once and return the answer without judging it.
                run.append(
                    IterationRecord(
                        number: iteration, output: attempt.output, verdict: nil, usage: attempt.usage,
                        decision: .acceptBest))
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

    /// What the next attempt builds on: the best iteration so far. When the last iteration was
    /// worse, its file changes are undone first. A model that writes files as text, whose best
    /// attempt still fails tests, starts afresh from the files as they were (see `ExecutorPrompt.retry`).
    private func refineContext(
        _ run: inout TaskRun, files: (any WorkspaceFiles)?, budget: Int, style: ToolCallStyle
    ) async -> RefineContext? {
        guard let last = run.iterations.last else { return nil }
        let bestIndex =
            DecisionPolicy.bestIndex(run.iterations, margin: run.policy.improvementThreshold) ?? run.iterations.count
            - 1
        let base = run.iterations[bestIndex]
        let restarts = style == .text && files != nil && base.verdict?.tests.map { !$0.succeeded } == true
        var discarded: IterationRecord?
        if restarts {
            await finisher.restoreFiles(of: run, toIteration: 0, shownAt: run.nextIteration)
        } else if base.number != last.number {
            discarded = last
            await finisher.restoreFiles(of: run, toIteration: base.number, shownAt: run.nextIteration)
        }
        var current: [WorkspaceSnapshot.FileText] = []
        if let files, !run.originals.isEmpty {
            var left = budget
            for (path, text) in await files.contents(of: run.originals.keys.sorted()) {
                guard let text, text.count <= left else { continue }
                left -= text.count
                current.append(WorkspaceSnapshot.FileText(path: path, text: text))
            }
            current.sort { $0.path < $1.path }
        }
        let count = run.iterations.count
        let repeated = count >= 2 && run.iterations[count - 1].output == run.iterations[count - 2].output
        let unchanged =
            last.usedTools && !run.originals.isEmpty
            && run.files(after: last.number) == run.files(after: last.number - 1)
        return RefineContext(
            base: base, discarded: discarded, currentFiles: current, repeatedAnswer: repeated, unchanged: unchanged,
            restarts: restarts)
    }

    /// Characters of workspace text shown to the model: a share of a small context window, capped.
    static func promptBudget(_ binding: ModelBinding) -> Int {
        min(24_000, binding.contextWindow ?? 128_000)
    }

    /// Recalled lessons, past tasks and skills get a sixth of the prompt budget: enough for a few
    /// lessons on a 4k-token local model, a few skills on a large one.
    static func memoryBudget(_ binding: ModelBinding) -> Int {
        max(500, promptBudget(binding) / 6)
    }
}
