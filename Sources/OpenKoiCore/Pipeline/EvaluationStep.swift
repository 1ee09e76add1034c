/// Judges one attempt: the workspace's tests (when there are any) and an LLM judge driven by a rubric.
struct EvaluationStep: Sendable {
    let rubrics: any RubricCatalog
    let check: (any ObjectiveCheck)?
    /// Weight of the `tests` dimension next to the rubric's (whose weights sum to ~1).
    static let testsWeight = 0.3

    /// Rubrics whose tasks are about code: their workspace's tests count even when the attempt changed no file.
    static let codeRubrics: Set<String> = ["code-review", "test-quality"]

    func evaluate(task: TaskSpec, plan: Plan, attempt: Attempt, judge: ModelBinding) async throws -> Verdict {
        let output = attempt.output
        let changedFiles = !attempt.modifiedPaths.isEmpty
        let rubric = rubrics.rubric(forTask: task.description)
        // Running the workspace's test suite says nothing about an answer that touched no code
        // (the reference ran it on every iteration of every task).
        let runTests = changedFiles || Self.codeRubrics.contains(rubric.name)
        async let testReport = runTests ? check?.run() : nil
        let judged = try await judgeVerdict(task: task, plan: plan, rubric: rubric, output: output, actions: attempt.actions, judge: judge)
        var verdict = judged
        if let report = await testReport {
            verdict.tests = report
            verdict.dimensions.append(DimensionScore(name: "tests", score: report.score, weight: Self.testsWeight))
            verdict.findings.append(contentsOf: Self.findings(for: report))
        }
        return verdict
    }

    func judgeVerdict(
        task: TaskSpec, plan: Plan, rubric: Rubric, output: String, actions: [ToolAction], judge: ModelBinding
    ) async throws -> Verdict {
        var messages: [ChatMessage] = [
            .user(JudgePrompt.user(task: task, plan: plan, rubric: rubric, output: output, actions: actions))
        ]
        var usage = TokenUsage.zero
        var lastReply = ""
        let schema = JudgePrompt.schema(for: rubric)
        for attempt in 1...2 {
            let request = ChatRequest(
                model: judge.model, system: JudgePrompt.system, messages: messages, maxTokens: 1200, temperature: 0.1,
                responseSchema: schema)
            let response = try await judge.provider.chat(request)
            usage += response.usage
            lastReply = response.content
            if let reading = VerdictParser.parse(response.content, rubric: rubric) {
                return Verdict(
                    dimensions: reading.dimensions, findings: reading.findings, suggestion: reading.suggestion,
                    missingSteps: reading.missingSteps, usage: usage)
            }
            if attempt == 1 {
                messages.append(.assistant(response.content))
                messages.append(.user(JudgePrompt.retry))
            }
        }
        // An unreadable verdict is reported, not replaced by a guessed score.
        let excerpt = lastReply.trimmed
        let finding = Finding(
            id: "E1", severity: .important, dimension: "evaluation", title: "Evaluator verdict could not be parsed",
            description: excerpt.isEmpty ? "The judge model returned an empty reply." : "Judge replied: \(ExecutorPrompt.clip(excerpt, limit: 300))")
        return Verdict(dimensions: [], findings: [finding], usage: usage)
    }

    static func findings(for report: TestRunReport) -> [Finding] {
        if report.timedOut {
            return [Finding(id: "T1", severity: .blocker, dimension: "tests", title: "Test command timed out",
                            description: "`\(report.command)` did not finish in time.")]
        }
        if report.exitCode == 127 {
            return [Finding(id: "T1", severity: .important, dimension: "tests", title: "Test command not found",
                            description: "`\(report.command)`: \(report.outputTail)")]
        }
        var findings = report.failures.prefix(20).enumerated().map { index, name in
            Finding(id: "T\(index + 1)", severity: .blocker, dimension: "tests", title: "Test failed: \(name)")
        }
        if findings.isEmpty, !report.succeeded {
            findings.append(
                Finding(id: "T1", severity: .blocker, dimension: "tests", title: "Tests failed (exit \(report.exitCode))",
                        description: ExecutorPrompt.clip(report.outputTail, limit: 1500)))
        }
        return findings
    }
}
