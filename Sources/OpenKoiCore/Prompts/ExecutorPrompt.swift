/// Builds what the executor sends: a system prompt that stays the same across iterations, and
/// messages that carry the previous attempt and the evaluator's findings.
enum ExecutorPrompt {
    static let identity = """
        You are OpenKoi, a careful, self-critical agent. You do the task completely and correctly, \
        you verify what you claim, and you say plainly when you are unsure. Be direct and concise.
        """

    static func system(task: TaskSpec, plan: Plan, tools: [ToolDefinition], identity: String) -> String {
        var text = "# Identity\n\(identity)\n\n# Task\n\(task.description)\n"
        if !plan.skipped, !plan.steps.isEmpty {
            text += "\n# Plan\n"
            for (index, step) in plan.steps.enumerated() { text += "\(index + 1). \(step)\n" }
        }
        if !plan.acceptanceCriteria.isEmpty {
            text += "\n# Acceptance criteria\n"
            for criterion in plan.acceptanceCriteria { text += "- \(criterion)\n" }
        }
        if !tools.isEmpty {
            // Names only: the full definitions travel as native tool schemas, and small local models
            // with 4k-token contexts lose the task when the prompt repeats them.
            text += "\n# Tools\nWhen the task needs it, use these tools to inspect or change files and run commands: "
            text += tools.map(\.name).joined(separator: ", ") + ".\n"
            text += """
                If you cannot call tools natively, reply with only a JSON object such as \
                {"tool": "read_file", "arguments": {"path": "README.md"}} and wait for the result.
                """
            // Agents that act through tools tend to close with "done"; the reply is what the user gets.
            text += "\n\nEnd with the complete final answer, not a description of what you did."
        }
        return text
    }

    /// Messages for an iteration: the task, and from the second iteration on the previous attempt and what to fix.
    static func messages(task: TaskSpec, previous: IterationRecord?, identicalBefore: Bool) -> [ChatMessage] {
        guard let previous else { return [.user(task.description)] }
        var feedback = "An evaluator reviewed your previous answer"
        if let score = previous.score { feedback += " (score \(BudgetMeter.fixed(score, decimals: 2)))" }
        let findings = previous.verdict?.findings ?? []
        let actionable = findings.filter { $0.severity != .suggestion }
        let listed = actionable.isEmpty ? findings : actionable
        if listed.isEmpty {
            feedback += ". No specific findings; improve accuracy and completeness."
        } else {
            feedback += ". Fix these findings:\n"
            for finding in listed.prefix(12) {
                feedback += "- [\(finding.severity.rawValue.uppercased())] \(finding.title)"
                if !finding.description.isEmpty { feedback += ": \(finding.description)" }
                if let fix = finding.fix, !fix.isEmpty { feedback += " (fix: \(fix))" }
                feedback += "\n"
            }
        }
        if identicalBefore {
            feedback += "\nYour last two answers were identical. Change the answer to address the findings."
        }
        feedback += "\nReply with the complete improved answer."
        return [.user(task.description), .assistant(clip(previous.output, limit: 6000)), .user(feedback)]
    }

    /// Keeps the start of long text, cut on a character boundary, and says how much was left out.
    static func clip(_ text: String, limit: Int) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(limit)) + "\n... [truncated, \(text.count) characters in total]"
    }
}
