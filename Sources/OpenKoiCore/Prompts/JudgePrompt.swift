/// The evaluator's request to an LLM judge: rubric, task, acceptance criteria, and the answer.
enum JudgePrompt {
    static let system = """
        You are a strict, fair reviewer. Score the answer against the rubric and list concrete findings. \
        Reply with a single JSON object and nothing else.
        """

    static func user(task: TaskSpec, plan: Plan, rubric: Rubric, output: String) -> String {
        var text = "# Rubric: \(rubric.name)\n\(rubric.body)\n\n# Dimensions (score each from 0.0 to 1.0)\n"
        for dimension in rubric.dimensions {
            text += "- \(dimension.name): \(dimension.description)\n"
        }
        text += "\n# Task\n\(task.description)\n"
        if !plan.acceptanceCriteria.isEmpty {
            text += "\n# Acceptance criteria\n"
            for criterion in plan.acceptanceCriteria { text += "- \(criterion)\n" }
        }
        if !plan.skipped, plan.steps.count > 1 {
            text += "\n# Planned steps\n"
            for (index, step) in plan.steps.enumerated() { text += "\(index + 1). \(step)\n" }
        }
        text += "\n# Answer to review\n\(ExecutorPrompt.clip(output, limit: 12_000))\n\n# Reply format\n"
        let example = rubric.dimensions.map { "\"\($0.name)\": 0.0" }.joined(separator: ", ")
        text += """
            {"scores": {\(example)}, "findings": [{"severity": "blocker|important|suggestion", \
            "dimension": "<dimension>", "title": "<short>", "description": "<what is wrong>", "fix": "<concrete change>"}], \
            "missing_steps": [], "suggestion": "<one sentence>"}
            """
        return text
    }

    static let retry = "That reply could not be read. Reply with only the JSON object in the format given, no other text."
}
