/// Looks at a task after each judged iteration, while the workspace still holds that iteration's
/// files and before the loop goes on: `openkoi bench` grades every iteration this way, so a
/// refine curve shows what iteration 2 fixed. Awaited by the evaluator (the next iteration starts
/// only when it returns), so it should be quick.
public protocol IterationProbe: Sendable {
    func inspect(_ iteration: JudgedIteration) async
}

/// One iteration as the evaluator left it.
public struct JudgedIteration: Sendable, Hashable {
    public var taskID: String
    public var number: Int
    /// The executor's answer for this iteration.
    public var output: String
    /// The judge's score; `nil` when the iteration could not be scored.
    public var score: Double?
    public var decision: Decision

    public init(taskID: String, number: Int, output: String, score: Double?, decision: Decision) {
        self.taskID = taskID
        self.number = number
        self.output = output
        self.score = score
        self.decision = decision
    }
}
