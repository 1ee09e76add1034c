/// How an LLM judge scores an answer: weighted dimensions plus the checklist text (an evaluator SKILL.md).
public struct Rubric: Sendable, Hashable {
    public struct Dimension: Sendable, Hashable {
        public var name: String
        public var weight: Double
        public var description: String

        public init(name: String, weight: Double, description: String = "") {
            self.name = name
            self.weight = weight
            self.description = description
        }
    }

    public var name: String
    public var categories: [String]
    public var dimensions: [Dimension]
    /// The checklist and severity guide handed to the judge.
    public var body: String

    public init(name: String, categories: [String] = [], dimensions: [Dimension], body: String) {
        self.name = name
        self.categories = categories
        self.dimensions = dimensions
        self.body = body
    }

    /// Used when no catalog is wired in (tests, embedding callers); mirrors the bundled `general` evaluator.
    public static let fallback = Rubric(
        name: "general",
        dimensions: [
            Dimension(name: "relevance", weight: 0.40, description: "Does it answer what was asked?"),
            Dimension(name: "quality", weight: 0.35, description: "Accurate, well made, no errors."),
            Dimension(name: "completeness", weight: 0.25, description: "All parts covered, caveats stated."),
        ],
        body: "Score how well the answer serves the task.")
}

/// Picks the rubric for a task (OpenKoiSkills implements it from the bundled and user evaluators).
public protocol RubricCatalog: Sendable {
    func rubric(forTask description: String) -> Rubric
    /// The rubric for a task whose caller named its category (`nil`: detect it).
    func rubric(forTask description: String, category: String?) -> Rubric
}

extension RubricCatalog {
    public func rubric(forTask description: String, category: String?) -> Rubric { rubric(forTask: description) }

    public func rubric(for task: TaskSpec) -> Rubric { rubric(forTask: task.description, category: task.category) }
}

public struct FixedRubricCatalog: RubricCatalog {
    public var rubric: Rubric
    public init(_ rubric: Rubric = .fallback) { self.rubric = rubric }
    public func rubric(forTask description: String) -> Rubric { rubric }
}
