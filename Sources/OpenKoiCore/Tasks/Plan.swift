/// What the planner decided the executor should do, and how the evaluator will know it is done.
public struct Plan: Sendable, Hashable, Codable {
    public var steps: [String]
    public var acceptanceCriteria: [String]
    /// True when planning was skipped because the task is trivial.
    public var skipped: Bool

    public init(steps: [String], acceptanceCriteria: [String] = [], skipped: Bool = false) {
        self.steps = steps
        self.acceptanceCriteria = acceptanceCriteria
        self.skipped = skipped
    }

    /// Adds steps the evaluator found missing, ignoring ones already planned.
    public mutating func addMissingSteps(_ missing: [String]) {
        for step in missing {
            let trimmed = step.trimmed
            if trimmed.isEmpty { continue }
            if !steps.contains(where: { $0.equalsIgnoringCase(trimmed) }) { steps.append(trimmed) }
        }
    }
}
