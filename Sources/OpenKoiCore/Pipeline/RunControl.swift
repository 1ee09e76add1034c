import Synchronization

/// Cancels the work in flight for one task: on the caller's request (Ctrl-C, REST cancel) or when
/// the task's wall-clock budget runs out. Stages run each step through `perform`, so either
/// cause cancels the model call or subprocess under way, not just the next phase.
public final class RunControl: Sendable {
    public enum StopCause: Sendable, Equatable { case cancelled, timedOut }

    private struct State {
        var cause: StopCause?
        var current: Task<Void, Never>?
        /// One timer per task, started with its first step: a timer per step cost ~9% of the
        /// pipeline's CPU in the overhead benchmark.
        var watchdog: Task<Void, Never>?
        var finished = false
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
    public func perform<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async -> Result<
        T, StepFailure
    > {
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
        let (alreadyStopped, needsWatchdog) = state.withLock { s -> (Bool, Bool) in
            s.current = work
            return (s.cause != nil, s.watchdog == nil && !s.finished)
        }
        if alreadyStopped { work.cancel() }
        if needsWatchdog { startWatchdog() }
        await work.value
        state.withLock { $0.current = nil }
        if let cause = stopCause { return .failure(.stopped(cause)) }
        switch box.value {
        case .success(let value)?: return .success(value)
        case .failure(let error)?: return .failure(.error(error))
        case nil: return .failure(.stopped(.cancelled))
        }
    }

    private func startWatchdog() {
        let deadline = self.deadline
        let timer = Task { [weak self] in
            do { try await Task.sleep(until: deadline, clock: .continuous) } catch { return }
            self?.stop(.timedOut)
        }
        let redundant = state.withLock { s -> Bool in
            if s.watchdog != nil || s.finished { return true }
            s.watchdog = timer
            return false
        }
        if redundant { timer.cancel() }
    }

    /// The task is over: stop its timer.
    public func finish() {
        let timer = state.withLock { s -> Task<Void, Never>? in
            s.finished = true
            defer { s.watchdog = nil }
            return s.watchdog
        }
        timer?.cancel()
    }

    public enum StepFailure: Error {
        case stopped(StopCause)
        case error(any Error)
    }
}
