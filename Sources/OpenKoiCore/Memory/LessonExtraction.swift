/// The learner's LLM rule (reference §8.1): a summary of each iteration, and 1–3 lessons back in
/// `TYPE:` / `CONTENT:` / `CONFIDENCE:` blocks, asked of the small model.
public enum LessonExtraction {
    public static func request(task: String, iterations: [IterationRecord], model: String) -> ChatRequest {
        var text = "Task: \(Recollection.clip(task, 400))\n\nIterations:\n"
        for record in iterations {
            let score = record.score.map { NumberText.fixed($0, decimals: 2) } ?? "unscored"
            text += "- iteration \(record.number): score \(score), decision \(record.decision.rawValue)\n"
            for finding in record.verdict?.findings.prefix(5) ?? [] {
                text += "  [\(finding.severity.rawValue)] \(Recollection.clip(finding.title, 120))\n"
            }
        }
        text += """

            Give 1 to 3 lessons that would help with a similar task next time. Each lesson as:
            TYPE: heuristic | anti_pattern | preference
            CONTENT: <one sentence, specific to this kind of task>
            CONFIDENCE: <0.0 to 1.0>
            """
        return ChatRequest(
            model: model, system: "You distil lessons from an AI agent's work. Be specific and brief.",
            messages: [.user(text)], maxTokens: 500, temperature: 0.3)
    }

    /// Reads the blocks; an unknown TYPE is a heuristic, a missing confidence 0.5 (clamped to 0…1).
    public static func parse(_ text: String, category: String?) -> [Lesson] {
        var lessons: [Lesson] = []
        var kind: Lesson.Kind?
        var content: String?
        var confidence: Double?
        func flush() {
            if let content, content.count >= 12 {
                lessons.append(
                    Lesson(
                        kind: kind ?? .heuristic, content: content, confidence: confidence ?? 0.5, category: category))
            }
            (kind, content, confidence) = (nil, nil, nil)
        }
        for raw in text.split(separator: "\n") {
            let line = raw.trimmed.trimmingPrefix(while: { $0 == "-" || $0 == "*" || $0 == " " })
            guard let colon = line.firstIndex(of: ":") else { continue }
            let label = line[..<colon].trimmed.uppercased().replacing("*", with: "")
            let value = String(line[line.index(after: colon)...]).trimmed
            switch label {
            case "TYPE":
                if content != nil { flush() }
                kind = Lesson.Kind(rawValue: value.lowercased().replacing("-", with: "_")) ?? .heuristic
            case "CONTENT":
                if content != nil { flush() }
                content = value
            case "CONFIDENCE":
                confidence = Double(value.prefix { $0.isNumber || $0 == "." })
            default: continue
            }
        }
        flush()
        return Array(lessons.prefix(3))
    }
}
