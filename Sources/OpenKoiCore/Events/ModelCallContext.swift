/// Which task and phase a model call belongs to, visible to code far below the pipeline (a provider's
/// retry loop) without threading it through every signature: the stages bind it around their calls,
/// and tasks a provider starts inherit it.
public struct ModelCallContext: Sendable, Hashable {
    public var taskID: String
    public var phase: TaskEvent.Phase

    public init(taskID: String, phase: TaskEvent.Phase) {
        self.taskID = taskID
        self.phase = phase
    }

    @TaskLocal public static var current: ModelCallContext?
}
