/// Asks the planner model for a short plan with acceptance criteria; trivial tasks skip it.
struct PlanningStep: Sendable {
    /// A one-line question with no sign of work on files or code is answered directly.
    static func isTrivial(_ description: String) -> Bool {
        let text = description.lowercased()
        guard !text.contains("\n"), text.count <= 160 else { return false }
        let workWords = [
            "file", "code", "implement", "refactor", "fix", "write", "create", "build", "test", "add ", "change",
            "update", "edit", "debug", "script", "function", "project", "repo", "step", "plan", "design", "migrate",
        ]
        return !workWords.contains { text.contains($0) }
    }

    static let system = "You plan work for an AI agent. Reply with a single JSON object and nothing else."

    /// The plan, its tokens, and their price when a fallback model answered (`nil`: the planner's own).
    /// - Parameter memory: what recall found (`Recollection.promptSection`), or "".
    func plan(task: TaskSpec, planner: ModelBinding, memory: String = "") async throws -> (
        Plan, TokenUsage, ModelPricing?
    ) {
        let prompt = """
            Task: \(task.description)
            \(memory)

            Give at most 6 short steps to do it and at most 5 checkable acceptance criteria, as
            {"steps": ["..."], "acceptance_criteria": ["..."]}
            """
        let request = ChatRequest(
            model: planner.model, system: Self.system, messages: [.user(prompt)], maxTokens: 600, temperature: 0.2)
        let response = try await planner.provider.chat(request)
        return (Self.parse(response.content, task: task), response.usage, response.pricing)
    }

    /// JSON first, then numbered or bulleted lines; a plan that says nothing falls back to the task itself.
    static func parse(_ text: String, task: TaskSpec) -> Plan {
        for object in JSONExtractor.objects(in: text) {
            let steps = (object["steps"]?.arrayValue ?? []).compactMap {
                $0.stringValue ?? $0["description"]?.stringValue
            }
            let criteria: [String] =
                object.first("acceptance_criteria", "criteria")?.arrayValue?.compactMap(\.stringValue) ?? []
            if !steps.isEmpty {
                return Plan(steps: Array(steps.prefix(8)), acceptanceCriteria: Array(criteria.prefix(6)))
            }
        }
        var steps: [String] = []
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmed
            guard let first = trimmed.first, first.isNumber || first == "-" || first == "*" else { continue }
            let body = trimmed.drop { $0.isNumber || $0 == "." || $0 == ")" || $0 == "-" || $0 == "*" || $0 == " " }
            if !body.isEmpty { steps.append(String(body)) }
        }
        if steps.isEmpty { steps = [task.description] }
        return Plan(steps: Array(steps.prefix(8)))
    }
}
