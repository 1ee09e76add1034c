import Synchronization

/// Wakes in-process waiters when a key changes (a task's id: its log or status; `queuedKey`: a new
/// task), so an SSE stream or an idle worker reacts at once instead of polling the database.
///
/// Read `generation(key)` before reading the state a wake-up is about, then `wait(key, since:)`: a
/// change that fell in between returns at once, so none is missed.
public final class EventSignal: Sendable {
    private struct Waiter {
        var continuation: CheckedContinuation<Void, Never>
        var timer: Task<Void, Never>?
    }

    private struct State {
        var generations: [String: UInt64] = [:]
        var waiters: [String: [Int: Waiter]] = [:]
        var nextToken = 0
    }

    private let state = Mutex(State())

    public init() {}

    public func generation(_ key: String) -> UInt64 { state.withLock { $0.generations[key, default: 0] } }

    public func notify(_ key: String) {
        let woken = state.withLock { state -> [Waiter] in
            state.generations[key, default: 0] &+= 1
            return state.waiters.removeValue(forKey: key).map { Array($0.values) } ?? []
        }
        for waiter in woken {
            waiter.timer?.cancel()
            waiter.continuation.resume()
        }
    }

    /// Returns when `key` changes after `generation`, after `timeoutMS`, or when the task is cancelled.
    public func wait(_ key: String, since generation: UInt64, timeoutMS: Int64) async {
        let token = state.withLock { state -> Int in
            state.nextToken += 1
            return state.nextToken
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let registered = state.withLock { state -> Bool in
                    guard state.generations[key, default: 0] == generation, !Task.isCancelled else { return false }
                    state.waiters[key, default: [:]][token] = Waiter(continuation: continuation)
                    return true
                }
                guard registered else { return continuation.resume() }
                let timer = Task { [weak self] in
                    try? await Task.sleep(for: .milliseconds(timeoutMS))
                    self?.resume(key, token)
                }
                let stillWaiting = state.withLock { state -> Bool in
                    guard state.waiters[key]?[token] != nil else { return false }
                    state.waiters[key]?[token]?.timer = timer
                    return true
                }
                if !stillWaiting { timer.cancel() }
            }
        } onCancel: {
            resume(key, token)
        }
    }

    private func resume(_ key: String, _ token: Int) {
        let waiter = state.withLock { state -> Waiter? in
            let waiter = state.waiters[key]?.removeValue(forKey: token)
            if state.waiters[key]?.isEmpty == true { state.waiters[key] = nil }
            return waiter
        }
        waiter?.timer?.cancel()
        waiter?.continuation.resume()
    }
}
