import OpenKoiCore

/// How a skill has scored on past tasks of one category (from the usage store).
public struct SkillEffectiveness: Sendable, Hashable {
    /// Mean evaluation score, 0…1.
    public var avgScore: Double
    public var samples: Int

    public init(avgScore: Double, samples: Int) {
        self.avgScore = avgScore
        self.samples = samples
    }
}

/// A skill chosen for a task, with its score and the reasons a user can read.
public struct SkillSelection: Sendable, Hashable {
    public var skill: Skill
    public var score: Double
    /// "named in the task", "category code", "similar to the task (0.62)", "avg 0.84 over 7 code tasks".
    public var reasons: [String]

    public init(skill: Skill, score: Double, reasons: [String]) {
        self.skill = skill
        self.score = score
        self.reasons = reasons
    }
}

/// Ranks task skills for a task (reference §9.5, with the signals it defined but never produced).
public enum SkillSelector {
    /// Worth of each signal. A named skill always makes the cut; the others add up.
    static let explicitWeight = 1.0
    static let categoryWeight = 0.3
    static let similarityWeight = 0.5
    /// Effectiveness counts around the middle: a skill that scored badly on this category loses
    /// ground instead of gaining a little (the reference only ever added).
    static let effectivenessWeight = 0.6
    /// Below this cosine the match is noise between unrelated texts.
    static let minimumSimilarity = 0.25
    /// A skill not named in the task needs at least this much to be chosen.
    static let threshold = 0.15
    /// Samples at which history counts in full.
    static let fullConfidenceSamples = 10

    /// The best task skills for `task`, highest score first (ties by name), at most `limit`.
    /// - Parameters:
    ///   - category: from `TaskCategory.detect` (or `EvaluatorCatalog.category(forTask:)`).
    ///   - effectiveness: per skill name, for this category.
    ///   - similarity: per skill name, cosine of the task and the skill's description; may be empty.
    /// Only usable task skills count; internal ones only when the task names them.
    public static func select(
        task: String, category: String, library: SkillLibrary, effectiveness: [String: SkillEffectiveness],
        similarity: [String: Double], limit: Int = 3
    ) -> [SkillSelection] {
        guard limit > 0 else { return [] }
        let text = " " + words(task) + " "
        let category = category.lowercased()
        var chosen: [SkillSelection] = []
        for entry in library.entries where entry.isUsable && entry.skill.kind == .task {
            let skill = entry.skill
            let named = isNamed(skill.name, in: text)
            if skill.isInternal, !named { continue }
            var score = 0.0
            var reasons: [String] = []
            if named {
                score += explicitWeight
                reasons.append("named in the task")
            }
            if category != TaskCategory.general, skill.categories.contains(category) {
                score += categoryWeight
                reasons.append("category \(category)")
            }
            if let cosine = similarity[skill.name], cosine.isFinite, cosine >= minimumSimilarity {
                score += similarityWeight * min(cosine, 1)
                reasons.append("similar to the task (\(NumberText.fixed(cosine, decimals: 2)))")
            }
            if let history = effectiveness[skill.name], history.samples > 0, history.avgScore.isFinite {
                let confidence = min(Double(history.samples) / Double(fullConfidenceSamples), 1)
                score += effectivenessWeight * (min(max(history.avgScore, 0), 1) - 0.5) * confidence
                let tasks = history.samples == 1 ? "task" : "tasks"
                reasons.append(
                    "avg \(NumberText.fixed(history.avgScore, decimals: 2)) over \(history.samples) \(category) \(tasks)"
                )
            }
            guard named || score >= threshold else { continue }
            chosen.append(SkillSelection(skill: skill, score: score, reasons: reasons))
        }
        chosen.sort { $0.score != $1.score ? $0.score > $1.score : $0.skill.name < $1.skill.name }
        return Array(chosen.prefix(limit))
    }

    /// The name as whole words in the task, hyphens read as spaces: `self-iterate` matches "use
    /// self-iterate" and "self iterate on this", not "myself-iterated".
    /// - Parameter paddedText: `words(task)` with a space on each side.
    static func isNamed(_ name: String, in paddedText: String) -> Bool {
        let name = words(name)
        return !name.isEmpty && paddedText.contains(" \(name) ")
    }

    /// Lowercased letters and digits, every other run of characters one space.
    static func words(_ text: String) -> String {
        String(text.lowercased().map { $0.isLetter || $0.isNumber ? $0 : " " }).split(separator: " ")
            .joined(separator: " ")
    }
}
