import OpenKoiCore

/// Chooses the evaluator rubric for a task from the library: the usable evaluator whose categories
/// the task's signals (`TaskCategory`) support most wins; ties go to the higher source, so a user
/// or workspace evaluator replaces or outranks a bundled one; `general` when nothing matches.
public struct EvaluatorCatalog: RubricCatalog {
    /// Usable evaluators with their source, in load order.
    public var evaluators: [SkillEntry]
    /// The workspace's files, for vague tasks ("make it faster" in a Swift package is code).
    public var workspaceFiles: [String]

    public init(library: SkillLibrary, workspaceFiles: [String] = []) {
        self.evaluators = library.evaluators
        self.workspaceFiles = workspaceFiles
    }

    /// Over the given skills as if bundled (tests, embedding callers); by default the binary's own.
    public init(evaluators: [Skill] = BundledSkills.evaluators, workspaceFiles: [String] = []) {
        self.evaluators = evaluators.filter { $0.kind == .evaluator }.map {
            SkillEntry(skill: $0, source: .bundled, path: $0.source)
        }
        self.workspaceFiles = workspaceFiles
    }

    public func rubric(forTask description: String) -> Rubric {
        evaluator(forTask: description)?.rubric ?? .fallback
    }

    /// A named category chooses its evaluator outright (the REST API's `category`); an unknown one
    /// falls back to detection.
    public func rubric(forTask description: String, category: String?) -> Rubric {
        if let category, let entry = evaluators.last(where: { $0.skill.categories.contains(category) }) {
            return entry.skill.rubric
        }
        return rubric(forTask: description)
    }

    /// The task's category, counting the categories the installed evaluators add.
    public func category(forTask description: String) -> String {
        TaskCategory.detect(task: description, workspaceFiles: workspaceFiles, extraCategories: extraCategories)
    }

    /// The evaluator for a task; nil when there is none at all (then `Rubric.fallback` applies).
    public func evaluator(forTask description: String) -> Skill? {
        let scores = TaskCategory.scores(
            task: description, workspaceFiles: workspaceFiles, extraCategories: extraCategories)
        var best: (entry: SkillEntry, score: Int)?
        for entry in evaluators where !entry.skill.categories.isEmpty {
            let score = entry.skill.categories.reduce(0) { $0 + (scores[$1] ?? 0) }
            guard score > 0 else { continue }
            if let current = best, !Self.outranks(entry, score, current.entry, current.score) { continue }
            best = (entry, score)
        }
        if let best { return best.entry.skill }
        return evaluators.last { $0.skill.name == TaskCategory.general }?.skill
    }

    /// More matching signals first, then the higher source, then the name (for a stable choice).
    static func outranks(_ entry: SkillEntry, _ score: Int, _ other: SkillEntry, _ otherScore: Int) -> Bool {
        if score != otherScore { return score > otherScore }
        if entry.source != other.source { return entry.source.precedence > other.source.precedence }
        return entry.skill.name < other.skill.name
    }

    private var extraCategories: [String] { evaluators.flatMap(\.skill.categories) }
}
