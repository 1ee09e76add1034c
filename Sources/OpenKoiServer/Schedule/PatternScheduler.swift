import OpenKoiCore
import OpenKoiMemory
import ServiceLifecycle

/// The daemon's scheduler: at each UTC minute, every approved pattern whose frequency is a schedule
/// due then is queued as a task (its description), and runs and fires webhooks like any other.
/// The minute is in the task's idempotency key, so daemons sharing a queue queue it once, and a
/// restart within the minute does not queue it again.
public struct PatternScheduler: Service {
    /// The approved patterns (read each minute, so an approval takes effect without a restart).
    public typealias Patterns = @Sendable () async throws -> [UsagePattern]

    let queue: TaskQueue
    let patterns: Patterns
    /// Minutes missed while the daemon was busy or suspended are caught up, at most this many.
    static let catchUpMinutes: Int64 = 5

    public init(queue: TaskQueue, patterns: @escaping Patterns) {
        self.queue = queue
        self.patterns = patterns
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { await loop() }
    }

    private func loop() async {
        var last = await queue.currentTime / 60_000
        while !Task.isCancelled {
            let now = await queue.currentTime
            try? await Task.sleep(for: .milliseconds(max(1, (now / 60_000 + 1) * 60_000 - now)))
            let minute = await queue.currentTime / 60_000
            let first = max(last + 1, minute - Self.catchUpMinutes + 1)
            if first <= minute { for due in first...minute { await tick(due) } }
            last = max(last, minute)
        }
    }

    /// Queues the patterns due in `epochMinute`; returns the tasks (new, or already queued by a peer).
    @discardableResult
    public func tick(_ epochMinute: Int64) async -> [QueuedTask] {
        let approved: [UsagePattern]
        do {
            approved = try await patterns().filter { $0.status == .approved }
        } catch {
            DaemonLog.error("scheduler: cannot read the approved patterns: \(error)")
            return []
        }
        var queued: [QueuedTask] = []
        for pattern in approved {
            guard let schedule = PatternSchedule(pattern.frequency), schedule.isDue(atEpochMinute: epochMinute)
            else { continue }
            do {
                let outcome = try await queue.enqueue(
                    TaskRequest(description: pattern.description),
                    idempotencyKey: "schedule:\(pattern.id):\(epochMinute)")
                switch outcome {
                case .created(let task):
                    DaemonLog.info("scheduler: queued \(task.id) for pattern \(pattern.id) (\(pattern.frequency))")
                    queued.append(task)
                case .replayed(let task): queued.append(task)
                }
            } catch {
                DaemonLog.error("scheduler: pattern \(pattern.id) not queued: \(error)")
            }
        }
        return queued
    }
}
