import OpenKoiCore

/// Chooses the evaluator rubric for a task from its words: the evaluator whose categories best
/// match the task wins, `general` otherwise. (The reference never set a category, so its domain
/// evaluators were never used.)
public struct EvaluatorCatalog: RubricCatalog {
    public var evaluators: [Skill]

    public init(evaluators: [Skill] = BundledSkills.evaluators) {
        self.evaluators = evaluators
    }

    /// Extra words that signal a category, beyond the category names themselves.
    static let synonyms: [String: [String]] = [
        "code": [
            "function", "implement", "bug", "compile", "swift", "python", "rust", "javascript", "typescript", "golang",
            "class", "method", "script", "program", "unit test", "src/", ".py", ".swift", ".rs", ".js", ".ts", ".go",
        ],
        "refactor": ["refactor", "clean up", "rename"],
        "bugfix": ["fix", "crash", "error", "failing"],
        "sql": ["select ", "insert ", "query", "postgres", "sqlite", "mysql", "table"],
        "migration": ["migration", "alter table"],
        "api": ["endpoint", "rest", "http api", "openapi", "graphql"],
        "test": ["tests", "test suite", "coverage"],
        "writing": ["essay", "article", "blog", "email", "letter", "summarize", "summarise", "explain"],
        "documentation": ["readme", "docs", "documentation"],
    ]

    public func rubric(forTask description: String) -> Rubric {
        let text = description.lowercased()
        let words = Set(text.split { !($0.isLetter || $0.isNumber || $0 == "-") }.map(String.init))
        var best: (skill: Skill, score: Int)?
        for skill in evaluators where !skill.categories.isEmpty {
            var score = 0
            for category in skill.categories {
                let signals = [category.lowercased()] + (Self.synonyms[category.lowercased()] ?? [])
                score += signals.filter { Self.matches($0, text: text, words: words) }.count
            }
            if score > 0, score > (best?.score ?? 0) { best = (skill, score) }
        }
        if let best { return best.skill.rubric }
        return evaluators.first { $0.name == "general" }?.rubric ?? .fallback
    }

    /// Plain words match whole words only ("api" must not match "capital"); signals with spaces or
    /// punctuation ("src/", ".py", "unit test") match as substrings.
    static func matches(_ signal: String, text: String, words: Set<String>) -> Bool {
        let trimmed = signal.trimmed
        if trimmed.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) {
            return words.contains(trimmed) || words.contains(trimmed + "s")
        }
        return text.contains(trimmed)
    }
}
