import OpenKoiCore

/// Runs one task to its end; the daemon's workers drive it. Cancelling the calling task aborts the
/// in-flight model call and tool processes, and the result keeps what was done and spent so far.
public protocol TaskRunner: Sendable {
    /// The daemon's task policy (its config); each request overrides parts of it.
    var policy: TaskPolicy { get }
    /// - Parameter events: receives this task's events as they happen, in order, ending with `finished`
    ///   (which may arrive just after `run` returns).
    func run(_ spec: TaskSpec, events: @escaping @Sendable (TaskEvent) -> Void) async -> TaskResult
}

/// A `TaskRunner` over one shared pipeline: its event bus is read once and each event is routed to
/// the task it belongs to.
public final class PipelineRunner: TaskRunner {
    public let policy: TaskPolicy
    private let pipeline: Pipeline
    private let routes = LockedValue<[String: @Sendable (TaskEvent) -> Void]>([:])
    private let router: Task<Void, Never>

    public init(pipeline: Pipeline, bus: EventBus, policy: TaskPolicy) {
        self.pipeline = pipeline
        self.policy = policy
        let stream = bus.subscribe()
        let routes = self.routes
        router = Task {
            for await event in stream {
                let route = routes.withLock { $0[event.taskID] }
                route?(event)
                // `finished` is a task's last pipeline event (the learner reports after it, unrouted).
                if case .finished = event.kind { routes.withLock { _ = $0.removeValue(forKey: event.taskID) } }
            }
        }
    }

    public func run(_ spec: TaskSpec, events: @escaping @Sendable (TaskEvent) -> Void) async -> TaskResult {
        routes.withLock { $0[spec.id] = events }
        return await pipeline.submit(spec)
    }

    /// Lets running tasks' learners finish; call once every `run` has returned.
    public func shutdown() async {
        await pipeline.shutdown()
        router.cancel()
    }
}
