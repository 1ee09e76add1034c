/// Something learned from a finished task, for the tasks after it.
public struct Lesson: Sendable, Hashable {
    /// The reference's learning types (§7.2); stored under their raw values.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case heuristic
        case antiPattern = "anti_pattern"
        case preference
    }

    public var kind: Kind
    public var content: String
    /// 0…1: how sure the learner is; decays with disuse, grows when the lesson helps again.
    public var confidence: Double
    /// The task category it came from (`code`, `sql`, …), `nil` when it applies anywhere.
    public var category: String?

    public init(kind: Kind, content: String, confidence: Double, category: String? = nil) {
        self.kind = kind
        self.content = content
        self.confidence = min(1, max(0, confidence.isFinite ? confidence : 0.5))
        self.category = category
    }
}

/// What a finished task hands to memory: its spec, result and iterations, what recall gave it,
/// and the lessons the learner drew from it.
public struct TaskOutcome: Sendable {
    public var spec: TaskSpec
    public var result: TaskResult
    public var iterations: [IterationRecord]
    public var recollection: Recollection
    public var lessons: [Lesson]
    /// Models per role, as `provider/model`.
    public var executorModel: String
    public var evaluatorName: String?

    public init(
        spec: TaskSpec, result: TaskResult, iterations: [IterationRecord], recollection: Recollection,
        lessons: [Lesson], executorModel: String, evaluatorName: String? = nil
    ) {
        self.spec = spec
        self.result = result
        self.iterations = iterations
        self.recollection = recollection
        self.lessons = lessons
        self.executorModel = executorModel
        self.evaluatorName = evaluatorName
    }

    /// The task met its bar (or delivered its best) rather than stopping or failing.
    public var succeeded: Bool { result.status == .accepted || result.status == .acceptedBest }
}

/// What storing an outcome did, for progress.
public struct LearningReport: Sendable, Hashable {
    public var added: [String]
    public var reinforced: [String]
    public var recorded: Bool
    /// Why the outcome could not be stored (the database is unwritable, …).
    public var error: String?

    public init(added: [String] = [], reinforced: [String] = [], recorded: Bool = true, error: String? = nil) {
        self.added = added
        self.reinforced = reinforced
        self.recorded = recorded
        self.error = error
    }
}

/// Long-term memory as the pipeline sees it (OpenKoiMemory implements it over SQLite).
public protocol TaskMemory: Sendable {
    /// What earlier tasks left that is relevant to this one's text; never throws (a broken store
    /// recalls nothing and says why in `notes`).
    func recall(for task: TaskSpec) async -> Recollection
    /// Records the run and stores its lessons (deduplicated, reinforcing the ones that helped).
    func learn(from outcome: TaskOutcome) async -> LearningReport
}
