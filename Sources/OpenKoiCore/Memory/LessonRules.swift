/// Zero-token lessons from a finished task's iterations (reference §8.1, made specific enough to
/// help the next task: each names what the task was and what happened, not only "iteration 2 regressed").
public enum LessonRules {
    public static func lessons(from iterations: [IterationRecord], task: String, category: String?) -> [Lesson] {
        let gist = Recollection.clip(task, 90)
        let scored = iterations.filter { $0.score != nil }
        var lessons: [Lesson] = []
        // A drop of more than 0.1 between evaluated iterations: the refinement made it worse.
        for (previous, current) in zip(scored, scored.dropFirst()) {
            guard let before = previous.score, let after = current.score, after < before - 0.1 else { continue }
            let acted = previous.verdict?.actionableFindings.first?.title
            var text = "In \"\(gist)\", refining"
            if let acted { text += " on \"\(Recollection.clip(acted, 80))\"" }
            text += " lowered the score from \(fixed(before)) to \(fixed(after)) (iteration \(current.number));"
            text += " keep what already works and change only what a finding names."
            lessons.append(Lesson(kind: .antiPattern, content: text, confidence: 0.7, category: category))
        }
        // Findings a later iteration no longer raised: what fixed them is worth doing first next time.
        if let last = scored.last?.verdict {
            let remaining = Set(last.findings.map(key))
            var seen = Set<String>()
            for record in scored.dropLast() {
                for finding in record.verdict?.actionableFindings ?? [] where !remaining.contains(key(finding)) {
                    guard seen.insert(key(finding)).inserted else { continue }
                    var text = "For tasks like \"\(gist)\": \"\(Recollection.clip(finding.title, 100))\" was raised"
                    if let fix = finding.fix, !fix.trimmed.isEmpty {
                        text += " and fixed by: \(Recollection.clip(fix, 160))"
                    } else {
                        text += " and fixed in a later iteration; get it right the first time"
                    }
                    lessons.append(Lesson(kind: .heuristic, content: text, confidence: 0.6, category: category))
                }
            }
        }
        // Three or more evaluated iterations whose last two scores are within 0.02: more did not help.
        if scored.count >= 3, let a = scored[scored.count - 2].score, let b = scored.last?.score, abs(a - b) < 0.02 {
            lessons.append(
                Lesson(
                    kind: .heuristic,
                    content:
                        "\"\(gist)\" stopped improving after \(scored.count - 1) iterations (score \(fixed(b))); "
                        + "similar tasks need fewer iterations or a different approach.",
                    confidence: 0.5, category: category))
        }
        // Blockers still open at the end of a refined task.
        if scored.count >= 2, let last = scored.last?.verdict {
            let blockers = last.findings.filter { $0.severity == .blocker }
            if !blockers.isEmpty {
                let titles = blockers.prefix(2).map { "\"\(Recollection.clip($0.title, 80))\"" }.joined(separator: ", ")
                lessons.append(
                    Lesson(
                        kind: .antiPattern,
                        content:
                            "\(blockers.count) blocker(s) stayed unresolved after \(scored.count) iterations of "
                            + "\"\(gist)\": \(titles); address blockers before polishing.",
                        confidence: 0.6, category: category))
            }
        }
        return lessons
    }

    /// An LLM extraction is worth its tokens only when the task was refined and the judge had a lot to say.
    public static func warrantsExtraction(_ iterations: [IterationRecord]) -> Bool {
        iterations.filter { $0.verdict != nil }.count >= 2
            && iterations.contains { ($0.verdict?.findings.count ?? 0) >= 3 }
    }

    static func key(_ finding: Finding) -> String { finding.dimension.lowercased() + "|" + finding.title.lowercased() }

    static func fixed(_ value: Double) -> String { NumberText.fixed(value, decimals: 2) }
}
