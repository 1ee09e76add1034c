/// Where a queued task is in its life: `queued → running → succeeded | failed | cancelled | interrupted`,
/// with `cancelling` while a cancel aborts the in-flight model call.
public enum QueueStatus: String, Sendable, Hashable, CaseIterable {
    case queued, running, cancelling, succeeded, failed, cancelled, interrupted

    /// No worker will touch a task in a final status again.
    public var isFinal: Bool {
        switch self {
        case .succeeded, .failed, .cancelled, .interrupted: return true
        case .queued, .running, .cancelling: return false
        }
    }

    /// `[daemon] on_interrupt`: what a restart does with a task whose worker died.
    public enum InterruptPolicy: String, Sendable, Hashable {
        /// Run it again (its attempt count kept), up to the attempt limit.
        case requeue
        /// Report it `interrupted`, with what it had spent.
        case interrupt
    }
}
