import Synchronization

/// Cancels the work in flight for one task: on the caller's request (Ctrl-C, REST cancel) or when
/// the task's wall-clock budget runs out. Stages run each step through `perform`, so either
/// cause cancels the model call or subprocess under way, not just the next phase.
public final class RunControl: Sendable {
    public enum StopCause: Sendable, Equatable { case cancelled, timedOut }

    private struct State {
        var cause: StopCause?
        var current: Task<Void, Never>?
    }

    private let state = Mutex(State())
    public let deadline: ContinuousClock.Instant

    public init(deadline: ContinuousClock.Instant) {
        self.deadline = deadline
    }

    public var stopCause: StopCause? { state.withLock { $0.cause } }

    /// Requests cancellation; idempotent.
    public func cancel() { stop(.cancelled) }

    func stop(_ cause: StopCause) {
        let task = state.withLock { s -> Task<Void, Never>? in
            if s.cause == nil { s.cause = cause }
            return s.current
        }
        task?.cancel()
    }

    /// Runs one step so that cancellation or the deadline cancels it; returns the step's result,
    /// or the stop cause if it was interrupted (the step's own error otherwise).
    public func perform<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async -> Result<T, StepFailure> {
        if let cause = stopCause { return .failure(.stopped(cause)) }
        let box = LockedValue<Result<T, any Error>?>(nil)
        let work = Task<Void, Never> {
            do {
                let value = try await operation()
                box.withLock { $0 = .success(value) }
            } catch {
                box.withLock { $0 = .failure(error) }
            }
        }
        let alreadyStopped = state.withLock { s -> Bool in
            s.current = work
            return s.cause != nil
        }
        if alreadyStopped { work.cancel() }
        let deadline = self.deadline
        let timer = Task { [weak self] in
            do { try await Task.sleep(until: deadline, clock: .continuous) } catch { return }
            self?.stop(.timedOut)
        }
        await work.value
        timer.cancel()
        state.withLock { $0.current = nil }
        if let cause = stopCause { return .failure(.stopped(cause)) }
        switch box.value {
        case .success(let value)?: return .success(value)
        case .failure(let error)?: return .failure(.error(error))
        case nil: return .failure(.stopped(.cancelled))
        }
    }

    public enum StepFailure: Error {
        case stopped(StopCause)
        case error(any Error)
    }
}
