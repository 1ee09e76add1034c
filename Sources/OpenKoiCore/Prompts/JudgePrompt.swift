/// The evaluator's request to an LLM judge: rubric, task, acceptance criteria, and the answer.
public enum JudgePrompt {
    /// Low but not zero: a verdict should not change between two asks, and a little spread
    /// keeps a small judge from looping on one phrase. Bench runs record it with their scores.
    public static let temperature = 0.1
    /// Pinned, so a re-asked verdict differs only where the provider is not deterministic.
    public static let seed = 7
    /// Output tokens the judge may use for one verdict.
    static let maxTokens = 1200

    static let system = """
        You are a strict, fair reviewer. Score the answer against the rubric and list concrete findings. \
        Reply with a single JSON object and nothing else.
        """

    static func user(
        task: TaskSpec, plan: Plan, rubric: Rubric, output: String, actions: [ToolAction] = [],
        changedFiles: [WorkspaceSnapshot.FileText] = []
    ) -> String {
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
        if !actions.isEmpty {
            text += "\n# Tool calls the agent made (they took effect in the workspace)\n"
            for action in actions.suffix(12) {
                text +=
                    "- \(action.summary) \(action.isError ? "FAILED" : "ok")\n  arguments: \(action.arguments)\n  result: \(action.result)\n"
            }
        }
        if !changedFiles.isEmpty {
            text += "\n# Files the agent changed, as they are now\n"
            for file in changedFiles { text += ExecutorPrompt.fenced(path: file.path, text: file.text) + "\n" }
        }
        // The files are shown as they are now; the answer's copies of them would only repeat them.
        let answer = changedFiles.isEmpty ? output : withoutCodeBlocks(output)
        text +=
            "\n# Answer to review\n\(ExecutorPrompt.clip(answer, limit: changedFiles.isEmpty ? 12_000 : 3_000))\n\n# Reply format\n"
        text += "List only real problems as findings, with evidence; an empty list is fine when there are none.\n"
        let example = rubric.dimensions.map { "\"\($0.name)\": <score from 0.0 to 1.0>" }.joined(separator: ", ")
        text += """
            {"scores": {\(example)}, "findings": [{"severity": "blocker|important|suggestion", \
            "dimension": "<dimension>", "title": "<short>", "description": "<what is wrong>", "fix": "<concrete change>"}], \
            "missing_steps": [], "suggestion": "<one sentence>"}
            """
        return text
    }

    /// The verdict's JSON Schema, so providers that support constrained decoding can only produce a
    /// readable verdict (small local models otherwise rarely manage valid JSON). Strings and lists are
    /// capped: a constrained small model otherwise fills its whole output budget with findings.
    static func schema(for rubric: Rubric) -> JSONValue {
        var scoreProperties: [String: JSONValue] = [:]
        for dimension in rubric.dimensions {
            scoreProperties[dimension.name] = ["type": "number", "minimum": 0, "maximum": 1]
        }
        let finding: JSONValue = [
            "type": "object",
            "properties": [
                "severity": ["type": "string", "enum": ["blocker", "important", "suggestion"]],
                "dimension": ["type": "string", "maxLength": 40], "title": ["type": "string", "maxLength": 100],
                "description": ["type": "string", "maxLength": 300], "fix": ["type": "string", "maxLength": 300],
            ],
            "required": ["severity", "title"],
        ]
        return [
            "type": "object",
            "properties": [
                "scores": [
                    "type": "object", "properties": .object(scoreProperties),
                    "required": .array(rubric.dimensions.map { .string($0.name) }),
                ],
                "findings": ["type": "array", "items": finding, "maxItems": 5],
                "missing_steps": ["type": "array", "items": ["type": "string", "maxLength": 200], "maxItems": 3],
                "suggestion": ["type": "string", "maxLength": 300],
            ],
            "required": ["scores", "findings"],
        ]
    }

    /// The text with each fenced block replaced by a one-line note.
    static func withoutCodeBlocks(_ text: String) -> String {
        var lines: [String] = []
        var fence: Fence?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if let open = fence {
                if open.closingIndex(in: [line], after: -1) != nil { fence = nil }
                continue
            }
            if let opening = Fence(opening: line) {
                fence = opening
                lines.append("[code block: its result is in the files above]")
                continue
            }
            lines.append(line)
        }
        let joined = lines.joined(separator: "\n").trimmed
        return joined.isEmpty ? "(the answer was only the file changes above)" : joined
    }

    static let retry =
        "That reply could not be read. Reply with only the JSON object in the format given, no other text."
}
