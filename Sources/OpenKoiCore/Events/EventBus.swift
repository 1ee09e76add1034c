import Synchronization

/// Fans events out to observers, each with its own buffer, so a slow observer never blocks a stage.
///
/// UI observers subscribe with `.bufferingNewest`: when they fall behind they lose the oldest events.
/// Observers that must see everything (state files, result collectors) subscribe `.unbounded`.
public final class EventBus: EventSink {
    private let subscribers = Mutex<[AsyncStream<TaskEvent>.Continuation]>([])

    public init() {}

    /// Subscribe before starting tasks; the stream ends when `finish()` is called.
    public func subscribe(
        buffering policy: AsyncStream<TaskEvent>.Continuation.BufferingPolicy = .unbounded
    ) -> AsyncStream<TaskEvent> {
        let (stream, continuation) = AsyncStream<TaskEvent>.makeStream(bufferingPolicy: policy)
        subscribers.withLock { $0.append(continuation) }
        return stream
    }

    public func publish(_ event: TaskEvent) {
        let targets = subscribers.withLock { $0 }
        for continuation in targets { continuation.yield(event) }
    }

    public func finish() {
        let targets = subscribers.withLock { list -> [AsyncStream<TaskEvent>.Continuation] in
            defer { list.removeAll() }
            return list
        }
        for continuation in targets { continuation.finish() }
    }
}
