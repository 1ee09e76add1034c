import Dispatch
import OpenKoiCore
import Synchronization

import Glibc

/// Runs blocking work (poll, waitpid, directory walks, regex over files) on a thread of its own.
///
/// The cooperative pool has one thread per core (two here); one blocking `waitpid` or a grep over a
/// large tree on it would stall every pipeline stage, so such work never runs there.
enum DedicatedThread {
    /// Runs `body` on a new detached pthread and returns its result.
    static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            let work: @Sendable () -> Void = { continuation.resume(returning: body()) }
            if !DetachedThread.start(work) {
                // No thread could be created (resource exhaustion): doing the work here is slower for the
                // pool but still correct, which beats failing the tool call.
                work()
            }
        }
    }

    /// Like `run`, but cancelling the calling task raises `flag` so long loops in `body` can stop early.
    static func runCancellable<T: Sendable>(_ body: @escaping @Sendable (CancellationFlag) -> T) async -> T {
        let flag = CancellationFlag()
        return await withTaskCancellationHandler {
            await run { body(flag) }
        } onCancel: {
            flag.cancel()
        }
    }
}

extension DedicatedThread {
    /// How an abandonable run ended.
    enum Outcome<T: Sendable>: Sendable {
        case finished(T)
        /// The calling task was cancelled (the wall-clock breaker, Ctrl-C).
        case cancelled
        /// `seconds` passed first.
        case timedOut
    }

    /// Like `runCancellable`, but returns as soon as the calling task is cancelled or `seconds` pass,
    /// even while `body` is stuck in a step that cannot check the flag (a regex backtracking through
    /// one line). The flag is raised and the thread is left to finish on its own; its result is dropped.
    static func runAbandonable<T: Sendable>(
        timeout seconds: Double, _ body: @escaping @Sendable (CancellationFlag) -> T
    ) async -> Outcome<T> {
        let flag = CancellationFlag()
        let once = Mutex<CheckedContinuation<Outcome<T>, Never>?>(nil)
        let settle: @Sendable (Outcome<T>) -> Void = { outcome in
            once.withLock { pending in
                pending?.resume(returning: outcome)
                pending = nil
            }
            flag.cancel()
        }
        // On a Dispatch queue, not the cooperative pool: a pool busy with other work must not delay
        // the limit (settling twice is harmless, so the timer needs no cancelling).
        let delay = DispatchTimeInterval.milliseconds(Int(min(max(0, seconds), 1e6) * 1000))
        DispatchQueue.global().asyncAfter(deadline: .now() + delay) { settle(.timedOut) }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Outcome<T>, Never>) in
                let startedCancelled = once.withLock { pending -> Bool in
                    if Task.isCancelled { return true }
                    pending = continuation
                    return false
                }
                if startedCancelled {
                    continuation.resume(returning: .cancelled)
                    return
                }
                let work: @Sendable () -> Void = { settle(.finished(body(flag))) }
                if !DetachedThread.start(work) { work() }
            }
        } onCancel: {
            settle(.cancelled)
        }
    }
}

/// A cancellation signal readable from any thread (Task.isCancelled is only meaningful inside the task).
final class CancellationFlag: Sendable {
    private let raised = Atomic<Bool>(false)

    init() {}

    func cancel() { raised.store(true, ordering: .releasing) }
    var isCancelled: Bool { raised.load(ordering: .acquiring) }
}
