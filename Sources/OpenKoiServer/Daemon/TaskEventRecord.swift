import OpenKoiCore

/// A pipeline event as the task's durable log keeps it: a kind the SSE stream names (`planned`,
/// `executing`, `tool_call`, `evaluated`, `refining`, `usage`, …), its JSON data, and the progress
/// it implies. Streamed output deltas are not logged (the answer arrives with `finished`).
struct TaskEventRecord {
    var kind: String
    var data: JSONValue
    var progress: TaskProgress?

    init?(_ event: TaskEvent) {
        progress = nil
        switch event.kind {
        case .queued(_, let model, let maxIterations):
            (kind, data) = ("started", ["model": .string(model), "max_iterations": .number(Double(maxIterations))])
        case .recalled(let recollection):
            kind = "recalled"
            data = [
                "lessons": .number(Double(recollection.lessons.count)),
                "similar_tasks": .number(Double(recollection.similarTasks.count)),
                "skills": .array(recollection.skills.map { .string($0.name) }),
                "category": recollection.category.map(JSONValue.string) ?? .null,
            ]
        case .planning: (kind, data) = ("planning", [:])
        case .planReady(let plan):
            (kind, data) = (
                "planned", ["steps": .array(plan.steps.map(JSONValue.string)), "skipped": .bool(plan.skipped)]
            )
        case .iterationStarted(let iteration, let maxIterations):
            (kind, data) = (
                "executing",
                ["iteration": .number(Double(iteration)), "max_iterations": .number(Double(maxIterations))]
            )
            progress = TaskProgress(iterations: iteration)
        case .outputDelta: return nil
        case .toolCall(let iteration, let name, let summary):
            (kind, data) = (
                "tool_call",
                ["iteration": .number(Double(iteration)), "name": .string(name), "summary": .string(summary)]
            )
        case .toolLoopWarning(let iteration, let calls, let level):
            (kind, data) = (
                "tool_loop_warning",
                [
                    "iteration": .number(Double(iteration)), "calls": .number(Double(calls)),
                    "level": .string(level.rawValue),
                ]
            )
        case .usage(let phase, let usage, let cost):
            (kind, data) = (
                "usage",
                [
                    "phase": .string(phase.rawValue), "input_tokens": .number(Double(usage.inputTokens)),
                    "output_tokens": .number(Double(usage.outputTokens)), "cost_usd": .number(cost),
                ]
            )
            progress = TaskProgress(inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, costUSD: cost)
        case .retrying(let phase, let attempt, let delay, let reason):
            (kind, data) = (
                "retrying",
                [
                    "phase": .string(phase.rawValue), "attempt": .number(Double(attempt)),
                    "delay_seconds": .number(delay),
                    "reason": .string(reason),
                ]
            )
        case .failover(let phase, let from, let to, let reason):
            (kind, data) = (
                "failover",
                ["phase": .string(phase.rawValue), "from": .string(from), "to": .string(to), "reason": .string(reason)]
            )
        case .contextPruned(let iteration, let removed):
            (kind, data) = (
                "context_pruned",
                ["iteration": .number(Double(iteration)), "removed_messages": .number(Double(removed))]
            )
        case .evaluating(let iteration): (kind, data) = ("evaluating", ["iteration": .number(Double(iteration))])
        case .evaluated(let iteration, let verdict, let identical):
            (kind, data) = (
                "evaluated",
                [
                    "iteration": .number(Double(iteration)), "score": verdict.score.map(JSONValue.number) ?? .null,
                    "findings": .number(Double(verdict.findings.count)), "identical_output": .bool(identical),
                ]
            )
        case .decided(let iteration, let score, let decision, let cost, let tokens):
            let entry: JSONValue = [
                "iteration": .number(Double(iteration)), "score": score.map(JSONValue.number) ?? .null,
                "decision": .string(decision.rawValue), "cost_usd": .number(cost), "tokens": .number(Double(tokens)),
            ]
            (kind, data) = (decision == .continue ? "refining" : "decided", entry)
            progress = TaskProgress(iterations: iteration, iterationScore: entry)
        case .notice(let iteration, let notice):
            var object: [String: JSONValue] = ["message": .string(notice.text)]
            object["iteration"] = iteration.map { .number(Double($0)) } ?? .null
            if case .budgetWarning(let spent, let limit) = notice {
                object["spent_usd"] = .number(spent)
                object["limit_usd"] = .number(limit)
                kind = "budget_warning"
            } else {
                kind = "notice"
            }
            data = .object(object)
        case .finished: return nil
        case .learned(let report):
            (kind, data) = (
                "learned",
                ["added": .number(Double(report.added.count)), "reinforced": .number(Double(report.reinforced.count))]
            )
        }
    }
}
