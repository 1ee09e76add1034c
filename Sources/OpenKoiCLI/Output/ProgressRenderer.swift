import OpenKoiCore

/// Prints a task's progress on stderr, one line per event (reference §1.4, plus scores per
/// dimension, tokens and findings). Subscribed with `.bufferingNewest`, so a slow terminal drops
/// old lines instead of slowing the pipeline.
struct ProgressRenderer: Sendable {
    /// Echo the streamed answer (dimmed) when stderr is a terminal.
    var streamOutput: Bool

    func render(_ events: AsyncStream<TaskEvent>) async {
        var midLine = false
        for await event in events {
            if case .outputDelta(_, let text) = event.kind {
                guard streamOutput else { continue }
                StandardStreams.err("\u{1B}[2m\(TerminalText.escaped(text))\u{1B}[0m")
                midLine = !text.hasSuffix("\n")
                continue
            }
            if midLine {
                StandardStreams.err("\n")
                midLine = false
            }
            if let line = Self.line(for: event) { StandardStreams.err(TerminalText.escaped(line) + "\n") }
        }
    }

    static func line(for event: TaskEvent) -> String? {
        switch event.kind {
        case .queued(let description, let model, _):
            let short = description.count > 60 ? String(description.prefix(57)) + "..." : description
            return "[execute] \(short.replacing("\n", with: " ")) | model: \(model)"
        case .recalled(let recollection): return recallLine(recollection)
        case .learned(let report): return learnLine(report)
        case .planning: return "[plan] planning..."
        case .planReady(let plan):
            if plan.skipped { return "[plan] skipped: answering directly" }
            var text = "[plan] \(plan.steps.count) step(s)"
            for (index, step) in plan.steps.enumerated() { text += "\n         \(index + 1). \(step)" }
            return text
        case .iterationStarted(let iteration, let max): return "[iter \(iteration)/\(max)] executing..."
        case .outputDelta: return nil
        case .toolCall(let iteration, _, let summary): return "[iter \(iteration)]   tool: \(summary)"
        case .toolLoopWarning(let iteration, let calls, let level):
            return "[iter \(iteration)] [safety] \(calls) tool calls (\(level.rawValue) limit)"
        case .usage: return nil
        case .retrying(_, let attempt, let delay, let reason):
            return "[retry] attempt \(attempt) in \(NumberText.fixed(delay, decimals: 1)) s: \(reason)"
        case .failover(_, let from, let to, let reason):
            return "[failover] \(from) failed (\(reason)); continuing on \(to)"
        case .contextPruned(let iteration, let removed):
            return "[iter \(iteration)] context window: pruned \(removed) message(s) to fit"
        case .evaluating(let iteration): return "[iter \(iteration)] evaluating..."
        case .notice(let iteration, let notice):
            return (iteration.map { "[iter \($0)] " } ?? "[note] ") + notice.text
        case .evaluated(let iteration, let verdict, let identical):
            var text = "[iter \(iteration)] "
            if identical { text += "output identical to the previous iteration; verdict reused. " }
            if let tests = verdict.tests {
                text += "tests: \(tests.passed) passed, \(tests.failed) failed. "
            }
            if verdict.judgeSkipped != nil, verdict.dimensions.isEmpty {
                text += "not scored"
            } else if verdict.dimensions.isEmpty {
                text += "no score"
            } else {
                text += verdict.dimensions.map { "\($0.name)=\(NumberText.fixed($0.score, decimals: 2))" }.joined(
                    separator: " ")
            }
            for finding in verdict.findings.prefix(5) {
                text += "\n         [\(finding.severity.rawValue)] \(finding.title)"
            }
            if verdict.findings.count > 5 { text += "\n         … \(verdict.findings.count - 5) more finding(s)" }
            return text
        case .decided(let iteration, let score, let decision, let cost, let tokens):
            let scoreText = score.map { NumberText.fixed($0, decimals: 2) } ?? "n/a"
            return
                "[iter \(iteration)] score=\(scoreText) -> \(decision.rawValue) (tokens=\(tokens), $\(NumberText.dollars(cost)))"
        case .finished(let result):
            let scoreText = result.score.map { NumberText.fixed($0, decimals: 2) } ?? "n/a"
            var text =
                "[done] \(result.decision.rawValue) score=\(scoreText) iterations=\(result.iterations) tokens=\(result.usage.total) cost=$\(NumberText.dollars(result.costUSD)) time=\(NumberText.fixed(Double(result.durationMS) / 1000, decimals: 1))s"
            if let error = result.error, result.decision != .failed { text += "\n[done] \(error)" }
            return text
        }
    }

    /// What recall found, one line per item; nothing when memory had nothing relevant.
    static func recallLine(_ recollection: Recollection) -> String? {
        var lines = recollection.notes.map { "[recall] \($0)" }
        if !recollection.isEmpty {
            var parts: [String] = []
            if !recollection.lessons.isEmpty { parts.append("\(recollection.lessons.count) lesson(s)") }
            if !recollection.similarTasks.isEmpty { parts.append("\(recollection.similarTasks.count) similar task(s)") }
            if !recollection.skills.isEmpty {
                parts.append("skills: " + recollection.skills.map(\.name).joined(separator: ", "))
            }
            let method = recollection.method.isEmpty ? "" : " [\(recollection.method)]"
            lines.append("[recall] " + parts.joined(separator: ", ") + method)
            for item in recollection.lessons {
                lines.append("         - \(item.lesson.kind.rawValue): \(Recollection.clip(item.lesson.content, 240))")
            }
            for task in recollection.similarTasks {
                let score = task.score.map { NumberText.fixed($0, decimals: 2) } ?? "n/a"
                lines.append("         - earlier task (score \(score)): \(Recollection.clip(task.description, 90))")
            }
            for skill in recollection.skills {
                lines.append("         - skill \(skill.name): \(skill.reasons.joined(separator: "; "))")
            }
        }
        return lines.isEmpty ? nil : lines.joined(separator: "\n")
    }

    static func learnLine(_ report: LearningReport) -> String? {
        if let error = report.error { return "[learn] not stored: \(error)" }
        guard !report.added.isEmpty || !report.reinforced.isEmpty else { return nil }
        var parts: [String] = []
        if !report.added.isEmpty { parts.append("\(report.added.count) new lesson(s)") }
        if !report.reinforced.isEmpty { parts.append("\(report.reinforced.count) reinforced") }
        return "[learn] " + parts.joined(separator: ", ")
    }
}
