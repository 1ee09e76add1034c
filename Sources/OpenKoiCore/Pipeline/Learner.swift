/// A task that has delivered its result, on its way to memory.
struct FinishedTask: Sendable {
    var run: TaskRun
    var result: TaskResult
}

/// The stage after the verdict: draws lessons from a finished task (zero-token rules, and the small
/// model when the judge had a lot to say) and hands the outcome to memory. One worker, so memory
/// has a single writer; the task's result was delivered before this runs.
struct Learner: Sendable {
    let memory: any TaskMemory
    let rubrics: any RubricCatalog
    let events: any EventSink

    func process(_ finished: FinishedTask) async {
        let run = finished.run
        let category = run.recollection.category
        var lessons = LessonRules.lessons(from: run.iterations, task: run.spec.description, category: category)
        if LessonRules.warrantsExtraction(run.iterations) {
            let extractor = await run.roles.small?.binding() ?? run.roles.evaluator
            // A small local model's lessons are not worth the ~30 s they cost after every refined task.
            if !extractor.isSmallLocal { lessons += await extracted(run, model: extractor, category: category) }
        }
        let outcome = TaskOutcome(
            spec: run.spec, result: finished.result, iterations: run.iterations, recollection: run.recollection,
            lessons: lessons, executorModel: run.roles.executor.label,
            evaluatorName: rubrics.rubric(for: run.spec).name)
        let report = await memory.learn(from: outcome)
        events.publish(TaskEvent(taskID: run.spec.id, kind: .learned(report)))
    }

    /// Lessons written by the small model; a failed call costs the lessons, never the task.
    func extracted(_ run: TaskRun, model: ModelBinding, category: String?) async -> [Lesson] {
        let request = LessonExtraction.request(
            task: run.spec.description, iterations: run.iterations, model: model.model)
        let context = ModelCallContext(taskID: run.spec.id, phase: .evaluate)
        guard
            let response = try? await ModelCallContext.$current.withValue(
                context,
                operation: {
                    try await model.provider.chat(request)
                })
        else { return [] }
        return LessonExtraction.parse(response.content, category: category)
    }
}
