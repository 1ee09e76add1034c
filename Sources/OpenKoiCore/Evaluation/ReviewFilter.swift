/// Turns a judge's findings into a review the executor can weigh: capped, deduplicated, and
/// without findings that carry no information — ones that only repeat the answer's text (small
/// judges echo what they read), and ones that claim a failure a passing test run contradicts.
public enum ReviewFilter {
    /// Findings kept per verdict: a small model given twenty notes fixes none of them.
    public static let cap = 6

    public static func filter(
        _ findings: [Finding], answer: String, objective: ObjectiveReport
    ) -> (kept: [Finding], dropped: DroppedFindings) {
        var dropped = DroppedFindings()
        let answerText = normalized(answer)
        let testsPassed = objective.tests?.succeeded == true
        var seen = Set<String>()
        var kept: [Finding] = []
        for finding in findings.sorted(by: { $0.severity < $1.severity }) {
            let key = normalized(finding.title)
            if key.isEmpty || !seen.insert(key).inserted {
                dropped.duplicates += 1
            } else if isEcho(finding, answer: answerText) {
                dropped.echoes += 1
            } else if testsPassed, claimsFailure(finding) {
                dropped.contradicted += 1
            } else if kept.count >= cap {
                dropped.duplicates += 1
            } else {
                var cleaned = finding
                if cleaned.dimension.trimmed.isEmpty { cleaned.dimension = "general" }
                kept.append(cleaned)
            }
        }
        return (kept, dropped)
    }

    /// The finding's words are the answer's words: its title (or title and description) appears
    /// verbatim in the answer, so it says nothing about what is wrong.
    static func isEcho(_ finding: Finding, answer: String) -> Bool {
        let title = normalized(finding.title)
        guard title.count >= 12 else { return false }
        if answer.contains(title) {
            let description = normalized(finding.description)
            return description.isEmpty || answer.contains(description) || description.count < 12
        }
        return false
    }

    static let failureClaims = [
        "test fail", "tests fail", "failing test", "fails the test", "fail the test", "does not pass", "doesn t pass",
        "broken", "does not work", "doesn t work", "will not work", "won t work", "crash", "syntax error",
        "does not compile", "doesn t compile", "not compile", "does not run", "doesn t run", "incorrect", "is wrong",
        "are wrong", "gets wrong",
    ]

    /// The finding says the code fails, does not run, or is incorrect — which a green test run contradicts.
    static func claimsFailure(_ finding: Finding) -> Bool {
        let text = normalized(finding.title + " " + finding.description)
        return failureClaims.contains { text.contains($0) }
    }

    /// Lowercased letters and digits, every other run of characters one space.
    static func normalized(_ text: String) -> String {
        var result = ""
        var pendingSpace = false
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                if pendingSpace, !result.isEmpty { result.append(" ") }
                pendingSpace = false
                result.append(character)
            } else {
                pendingSpace = true
            }
        }
        return result
    }
}
