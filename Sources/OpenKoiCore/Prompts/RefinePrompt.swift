/// The messages of a refinement: what the next attempt builds on and the review of the one before.
extension ExecutorPrompt {
    /// Messages for an iteration: the task, and from the second iteration on the attempt to build
    /// on (the best so far) and its review.
    static func messages(
        task: TaskSpec, snapshot: WorkspaceSnapshot?, refine: RefineContext?, style: ToolCallStyle, protectsTests: Bool
    ) -> [ChatMessage] {
        let first = ChatMessage.user(firstMessage(task: task, snapshot: snapshot, protectsTests: protectsTests))
        guard let refine else { return [first] }
        if refine.restarts {
            // The same first message as iteration 1 (a server's prompt cache covers it), then what failed.
            return [.user(first.content + "\n" + retry(refine, style: style))]
        }
        if style == .text, let current = refine.currentSnapshot {
            // Small models copy their previous turn back word for word; one fresh request with the
            // files as they are now and what failed gets them to change the code instead.
            let text =
                firstMessage(task: task, snapshot: current, protectsTests: protectsTests)
                + "\n# Your previous attempt\nThe files above are as your last attempt left them.\n"
                + review(refine, style: style, inline: true)
            return [.user(text)]
        }
        return [first, .assistant(clip(refine.base.output, limit: 6000)), .user(review(refine, style: style))]
    }

    /// A fresh attempt from the files as they were, told what failed last time. Small models shown
    /// their own failing code copy it back nearly unchanged (on the agent suite, 0 of 16 such
    /// refinements of Qwen2.5-Coder-1.5B passed); sent the task again with the failing assertions,
    /// they write it anew and sometimes right (scripts and numbers: Benchmarks/agent-suite/README.md).
    static func retry(_ refine: RefineContext, style: ToolCallStyle) -> String {
        let verdict = refine.base.verdict
        var text = "# An earlier attempt\n"
        if let tests = verdict?.tests {
            text += "An earlier attempt at this task failed tests (`\(tests.command)`: \(tests.passed) passed, "
            text += "\(tests.failed) failed):\n"
        } else {
            text += "An earlier attempt at this task fell short:\n"
        }
        let findings = verdict?.findings ?? []
        for finding in findings.prefix(8) { text += line(for: finding) }
        if refine.repeatedAnswer || refine.unchanged {
            text += "The attempt after it wrote the same code again. Take a different approach.\n"
        }
        text += "\nThe files above are as they were before that attempt. Work out what makes each assertion fail, "
        text += "then write the code so that every test passes."
        if style == .text {
            text += "\nReply with the files you change in full (### FILE: path, then a fenced block) or with "
            text += "SEARCH/REPLACE blocks, then a short answer."
        } else {
            text += "\nMake the changes with the tools, then give the complete final answer."
        }
        return text
    }

    /// The review of the attempt being built on: test results, the judge's notes, the files as they are now.
    /// - Parameter inline: the review follows the current files in one message (no answer turn above it).
    static func review(_ refine: RefineContext, style: ToolCallStyle, inline: Bool = false) -> String {
        let verdict = refine.base.verdict
        var text = ""
        if refine.unchanged {
            text += "Your last reply changed no file, so the code is as wrong as before. Change it this time.\n"
        } else if refine.repeatedAnswer {
            text += "Your last two answers were identical; change the answer to address this review.\n"
        }
        if let discarded = refine.discarded {
            text +=
                "Your last attempt (iteration \(discarded.number)) was no better than the one above, so it was undone.\n"
        }
        if let tests = verdict?.tests {
            text += "Tests (`\(tests.command)`): \(tests.passed) passed, \(tests.failed) failed"
            text += tests.succeeded ? " — all pass.\n" : ".\n"
        } else if let score = refine.base.score {
            text += "Review of your answer above (score \(NumberText.fixed(score, decimals: 2))).\n"
        }
        let objective = verdict?.findings.filter { $0.dimension == "tests" || $0.dimension == "files" } ?? []
        for finding in objective.prefix(8) { text += line(for: finding) }
        let notes = verdict?.findings.filter { $0.dimension != "tests" && $0.dimension != "files" } ?? []
        if !notes.isEmpty {
            text += "\nA reviewer's notes (weigh each one: fix what is really wrong, keep what is right):\n"
            for finding in notes.prefix(ReviewFilter.cap) { text += line(for: finding) }
        }
        if objective.isEmpty, notes.isEmpty {
            text += "No specific problems were found; check the task once more and improve what falls short.\n"
        }
        // Files the attempt wrote out whole are already in its answer above; the rest are shown as they are now.
        let changed = inline ? [] : refine.currentFiles.filter { !refine.base.output.contains($0.text.trimmed) }
        if !changed.isEmpty {
            text += "\nThe files you changed, as they are now:\n"
            for file in changed { text += "\n" + fenced(path: file.path, text: file.text) + "\n" }
        }
        if verdict?.tests.map({ !$0.succeeded }) == true {
            let files = refine.currentFiles.map(\.path).filter { !$0.hasSuffix(".ini") && !$0.hasSuffix(".cfg") }
            let named = files.isEmpty ? "the code" : files.map { "`\($0)`" }.joined(separator: ", ")
            text += "\nFind what makes each assertion fail and fix \(named) so that the tests pass."
        }
        if !refine.base.usedTools, refine.currentFiles.isEmpty {
            text += "\nReply with the complete improved answer."
        } else if style == .text {
            text += "\nReply with the corrected files in full (### FILE: path, then a fenced block) or with "
            text += "SEARCH/REPLACE blocks, then a short answer."
        } else {
            text += "\nFix the problems with the tools, then give the complete final answer."
        }
        return text
    }

    static func line(for finding: Finding) -> String {
        var text = "- [\(finding.severity.rawValue)] "
        if !finding.dimension.isEmpty, finding.dimension != "tests", finding.dimension != "files" {
            text += "\(finding.dimension): "
        }
        text += finding.title
        if !finding.description.isEmpty { text += "\n  " + finding.description.replacing("\n", with: "\n  ") }
        if let fix = finding.fix, !fix.isEmpty { text += "\n  Suggested fix: \(fix)" }
        return text + "\n"
    }
}

/// What a refinement builds on.
struct RefineContext: Sendable {
    /// The best iteration so far: its answer and review go to the model.
    var base: IterationRecord
    /// A later, worse iteration that was undone, if the last one was not the best.
    var discarded: IterationRecord?
    /// Current text of the files the task changed (within a budget).
    var currentFiles: [WorkspaceSnapshot.FileText]
    /// The last two answers were the same.
    var repeatedAnswer = false
    /// The last attempt acted on files but left them as they were.
    var unchanged = false
    /// The workspace as it is now (after any undo), for models that get each refinement as one fresh request.
    var currentSnapshot: WorkspaceSnapshot?
    /// The files were put back as they were before the task: the next attempt starts afresh, told what failed.
    var restarts = false
}
