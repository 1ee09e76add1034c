import OpenKoiCore
import OpenKoiMemory

/// The request that asks a model for a SKILL.md, and the reading of its reply.
enum SkillPrompt {
    static let system = """
        You write skills for OpenKoi, an AI agent that carries out tasks for a user. A skill is a SKILL.md \
        file: YAML frontmatter between two '---' lines, then Markdown instructions the agent follows the \
        next time this kind of task comes up. Write concrete, checkable steps for the task itself; do not \
        describe OpenKoi or the pattern.
        """

    static func request(for pattern: UsagePattern, name: String) -> String {
        let categories = pattern.categories.isEmpty ? ["general"] : pattern.categories
        var lines = [
            "The user keeps giving the agent this kind of task:", "",
            "Pattern: \(pattern.description) (\(label(pattern.type)))",
            "Seen: \(pattern.sampleCount) times, \(pattern.frequency), confidence "
                + NumberText.fixed(pattern.confidence, decimals: 2),
            "Categories: \(categories.joined(separator: ", "))",
        ]
        let examples = pattern.examples
        if !examples.isEmpty {
            lines += ["Recent tasks (newest first):"] + examples.map { "- " + $0.replacing("\n", with: " ") }
        }
        lines += [
            "",
            "Write a SKILL.md that helps the agent do this task well every time. Reply with the file only, in "
                + "exactly this shape (keep the frontmatter keys and the name as given):",
            "",
            "---",
            "name: \(name)",
            "description: <one sentence: what the skill does and when to use it>",
            "kind: task",
            "metadata:",
            "  categories: [\(categories.map(quoted).joined(separator: ", "))]",
            "  trigger:",
            "    type: \(pattern.type.rawValue)",
            "    schedule: \(quoted(pattern.frequency))",
            "---",
            "# <Title>",
            "",
            "<When this skill applies, in one or two sentences.>",
            "",
            "## Steps",
            "1. <first step>",
            "2. <next step>",
            "",
            "## Checks",
            "- <what a good result has>",
        ]
        return lines.joined(separator: "\n")
    }

    static func label(_ type: PatternType) -> String {
        switch type {
        case .recurring: "tasks of one category that keep coming"
        case .recurringTask: "the same task asked again on different days; <n> and <path> stand for what changes"
        case .timeBased: "tasks at the same time of day"
        case .workflow: "one kind of task followed by another"
        }
    }

    /// A YAML double-quoted scalar.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
    }

    /// The SKILL.md in a reply: the reply itself when it starts with the frontmatter; else the
    /// contents of a code fence that opens with it (up to the fence's last closing line, so code
    /// blocks inside the instructions stay); else everything from the first `---` line (a preamble
    /// such as "Here is the skill:" dropped).
    static func skillText(in reply: String) -> String {
        let lines = reply.replacing("\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init)
        func finished(_ body: ArraySlice<String>) -> String { body.joined(separator: "\n").trimmed + "\n" }
        guard let start = lines.firstIndex(where: { !$0.trimmed.isEmpty }) else { return "" }
        if lines[start].trimmed == "---" { return finished(lines[start...]) }
        for (index, line) in lines.enumerated() where line.trimmed.hasPrefix("```") {
            let next = lines.index(after: index)
            guard next < lines.endIndex, lines[next].trimmed == "---" else { continue }
            let close = lines.lastIndex { $0.trimmed == "```" } ?? lines.endIndex
            return finished(lines[next..<(close > next ? close : lines.endIndex)])
        }
        if let frontmatter = lines.firstIndex(where: { $0.trimmed == "---" }) { return finished(lines[frontmatter...]) }
        return finished(lines[start...])
    }
}
