/// Judges one attempt. Objective signals first: the workspace's tests and the files the task must
/// create. When they fail they say what to fix, and the LLM judge is not asked; otherwise the
/// judge scores the rubric, and its verdict is filtered and checked for degeneracy before use.
struct EvaluationStep: Sendable {
    let rubrics: any RubricCatalog
    let check: (any ObjectiveCheck)?
    let files: (any WorkspaceFiles)?
    /// Weight of the `tests` and `files` dimensions next to the rubric's (whose weights sum to ~1).
    static let testsWeight = 0.3
    static let filesWeight = 0.3

    /// Rubrics whose tasks are about code: their workspace's tests count even when the attempt changed no file.
    static let codeRubrics: Set<String> = ["code-review", "test-quality"]

    /// - Parameters:
    ///   - earlierJudgeScores: the judge's scores on this task's earlier attempts.
    ///   - judgeIsExecutor: the judge is the executor's own small model: when every test passes its
    ///     opinion is not asked (it flagged correct, green fixes as blockers and refined them into regressions).
    func evaluate(
        task: TaskSpec, plan: Plan, attempt: Attempt, judge: ModelBinding, intent: TaskIntent,
        earlierJudgeScores: [[DimensionScore]], judgeIsExecutor: Bool = false
    ) async throws -> Verdict {
        let rubric = rubrics.rubric(for: task)
        // Running the workspace's test suite says nothing about an answer that touched no code
        // (the reference ran it on every iteration of every task).
        let runTests = !attempt.modifiedPaths.isEmpty || Self.codeRubrics.contains(rubric.name)
        let request = ObjectiveCheckRequest(runTests: runTests, expectedFiles: intent.expectedFiles)
        let objective = await check?.run(request) ?? .empty
        try Task.checkCancellation()
        var verdict = Verdict(
            dimensions: Self.dimensions(for: objective), findings: Self.findings(for: objective), objective: objective)
        if objective.hasFailures {
            verdict.judgeSkipped = "the failing checks already say what to fix"
            return verdict
        }
        if judgeIsExecutor, objective.tests?.succeeded == true {
            verdict.judgeSkipped = "every test passes, and the only judge is the executor's own small model"
            return verdict
        }

        let changed = await changedFiles(attempt)
        let judged: JudgeReply
        do {
            judged = try await askJudge(
                task: task, plan: plan, rubric: rubric, attempt: attempt, changed: changed, judge: judge)
        } catch {
            if error is CancellationError || Task.isCancelled { throw error }
            verdict.judgeProblem = JudgeProblem(.callFailed, "the judge call failed: \(Finisher.describe(error))")
            return verdict
        }
        verdict.usage = judged.usage
        verdict.pricing = judged.pricing
        guard let reading = judged.reading else {
            let excerpt = judged.lastReply.trimmed
            verdict.judgeProblem = JudgeProblem(
                .unparseable,
                excerpt.isEmpty
                    ? "the judge returned an empty reply"
                    : "the judge's reply could not be read as a verdict: \(ExecutorPrompt.clip(excerpt, limit: 200))")
            return verdict
        }
        let (kept, dropped) = ReviewFilter.filter(
            reading.findings, answer: attempt.output + "\n" + changed.map(\.text).joined(separator: "\n"),
            objective: objective)
        verdict.judgeScores = reading.dimensions
        verdict.dropped = dropped
        let health = JudgeHealth.Reading(
            scores: reading.dimensions, outOfScale: reading.outOfScale, findingCount: reading.findings.count,
            echoes: dropped.echoes, duplicates: dropped.duplicates)
        if let problem = JudgeHealth.problem(health, earlier: earlierJudgeScores) {
            verdict.judgeProblem = JudgeProblem(.degenerate, "\(judge.label) \(problem)")
            return verdict
        }
        verdict.dimensions = reading.dimensions + verdict.dimensions
        verdict.findings += kept
        verdict.suggestion = reading.suggestion
        verdict.missingSteps = reading.missingSteps
        return verdict
    }

    struct JudgeReply {
        var reading: VerdictParser.Reading?
        var usage: TokenUsage
        var lastReply: String
        /// Set when a fallback model answered (its price, not the judge binding's).
        var pricing: ModelPricing? = nil
    }

    /// Asks the judge, and once more for bare JSON when the first reply cannot be read.
    func askJudge(
        task: TaskSpec, plan: Plan, rubric: Rubric, attempt: Attempt, changed: [WorkspaceSnapshot.FileText],
        judge: ModelBinding
    ) async throws -> JudgeReply {
        var messages: [ChatMessage] = [
            .user(
                JudgePrompt.user(
                    task: task, plan: plan, rubric: rubric, output: attempt.output, actions: attempt.actions,
                    changedFiles: changed))
        ]
        var reply = JudgeReply(reading: nil, usage: .zero, lastReply: "")
        let schema = JudgePrompt.schema(for: rubric)
        for round in 1...2 {
            let request = ChatRequest(
                model: judge.model, system: JudgePrompt.system, messages: messages, maxTokens: JudgePrompt.maxTokens,
                temperature: JudgePrompt.temperature, responseSchema: schema, seed: JudgePrompt.seed)
            let response = try await judge.provider.chat(request)
            reply.usage += response.usage
            reply.pricing = response.pricing ?? reply.pricing
            reply.lastReply = response.content
            if let reading = VerdictParser.parse(response.content, rubric: rubric) {
                reply.reading = reading
                return reply
            }
            if round == 1 {
                messages.append(.assistant(response.content))
                messages.append(.user(JudgePrompt.retry))
            }
        }
        return reply
    }

    /// The files the attempt changed, as they are now (the judge reviews the work, not only the words).
    func changedFiles(_ attempt: Attempt) async -> [WorkspaceSnapshot.FileText] {
        guard let files, !attempt.modifiedPaths.isEmpty else { return [] }
        var left = 8000
        var shown: [WorkspaceSnapshot.FileText] = []
        for (path, text) in await files.contents(of: attempt.modifiedPaths).sorted(by: { $0.key < $1.key }) {
            guard let text, text.count <= left else { continue }
            left -= text.count
            shown.append(WorkspaceSnapshot.FileText(path: path, text: text))
        }
        return shown
    }

    static func dimensions(for objective: ObjectiveReport) -> [DimensionScore] {
        var dimensions: [DimensionScore] = []
        if let tests = objective.tests {
            dimensions.append(DimensionScore(name: "tests", score: tests.score, weight: testsWeight))
        }
        if !objective.files.isEmpty {
            let fine = objective.files.filter { $0.problem == nil }.count
            dimensions.append(
                DimensionScore(name: "files", score: Double(fine) / Double(objective.files.count), weight: filesWeight))
        }
        return dimensions
    }

    static func findings(for objective: ObjectiveReport) -> [Finding] {
        var findings = objective.tests.map(findings(for:)) ?? []
        for (index, file) in objective.files.enumerated() {
            guard let problem = file.problem else { continue }
            findings.append(Finding(id: "C\(index + 1)", severity: .blocker, dimension: "files", title: problem))
        }
        return findings
    }

    static func findings(for report: TestRunReport) -> [Finding] {
        if report.timedOut {
            return [
                Finding(
                    id: "T1", severity: .blocker, dimension: "tests", title: "Test command timed out",
                    description: "`\(report.command)` did not finish in time.")
            ]
        }
        if report.exitCode == 127 {
            return [
                Finding(
                    id: "T1", severity: .important, dimension: "tests", title: "Test command not found",
                    description: "`\(report.command)`: \(report.outputTail)")
            ]
        }
        var findings = report.failures.prefix(12).enumerated().map { index, name in
            Finding(
                id: "T\(index + 1)", severity: .blocker, dimension: "tests", title: "Test failed: \(name)",
                description: report.failureOutput[name].map { ExecutorPrompt.clip($0, limit: 800) } ?? "")
        }
        if !report.succeeded, findings.allSatisfy({ $0.description.isEmpty }) {
            // No assertion text was found per test: the output's tail is the evidence.
            let tail = ExecutorPrompt.clip(report.outputTail, limit: 1500)
            if findings.isEmpty {
                findings.append(
                    Finding(
                        id: "T1", severity: .blocker, dimension: "tests",
                        title: "Tests failed (exit \(report.exitCode))", description: tail))
            } else {
                findings[0].description = tail
            }
        }
        return findings
    }
}
