import Dispatch
import Synchronization

/// Runs a task's jobs on the thread that calls `run(until:)`, not on the shared cooperative pool.
///
/// The loopback server's connection threads use it for their handlers: under a full parallel test
/// run the pool (two threads on a 2-core machine) is busy with hundreds of tests, and a handler queued
/// behind them answered a 1 s discovery probe or a 10 s curl timeout too late. With this, a fake
/// server answers as fast as its own thread can, whatever the rest of the process is doing.
final class ThreadTaskExecutor: TaskExecutor, Sendable {
    private let jobs = Mutex<[UnownedJob]>([])
    private let available = DispatchSemaphore(value: 0)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        jobs.withLock { $0.append(job) }
        available.signal()
    }

    /// Wakes `run(until:)` so it re-checks its condition.
    func wake() { available.signal() }

    /// Runs jobs as they come until `isDone` holds (checked after every job and every `wake()`).
    func run(until isDone: () -> Bool) {
        while !isDone() {
            available.wait()
            while let job = jobs.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
                job.runSynchronously(on: asUnownedTaskExecutor())
            }
        }
    }
}
