import FoundationEssentials
import OpenKoiCore
import OpenKoiServer

/// `daemon status`: whether the daemon's process is alive, where it listens, and the queue as the
/// database has it (depth, oldest queued task's age, running tasks) — read directly, so it tells the
/// truth even when the API does not answer.
struct DaemonReport: Sendable {
    let files: DaemonFiles
    let dbPath: String
    /// `[daemon] queue`.
    let queueSetting: String

    func text() async throws -> String {
        let facts = try await gather()
        var lines: [String] = []
        if let state = facts.state {
            let uptime = Self.duration(Double(max(0, facts.now - state.startedMS)) / 1000)
            lines.append("Daemon: running (PID \(state.pid), up \(uptime))")
            lines.append("API: http://\(state.host):\(state.port)")
        } else {
            lines.append("Daemon: not running")
        }
        guard let health = facts.health else { return lines.joined(separator: "\n") + "\n" }
        var queue = "Queue: \(health.queued) queued"
        if let oldest = health.oldestQueuedMS {
            queue += " (oldest \(Self.duration(Double(max(0, facts.now - oldest)) / 1000)))"
        }
        queue +=
            ", \(health.running) running, \(health.activeLeases) active lease\(health.activeLeases == 1 ? "" : "s")"
        lines.append(queue)
        for task in facts.running {
            let description = TerminalText.escaped(String(task.request.description.prefix(60)))
            lines.append(
                "  \(task.id)  \(task.status.rawValue)  iteration \(task.iterations)  "
                    + "$\(NumberText.fixed(task.costUSD, decimals: 4))  \(description)"
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func json() async throws -> String {
        let facts = try await gather()
        var object: [String: JSONValue] = ["running": .bool(facts.state != nil)]
        if let state = facts.state {
            object["pid"] = .number(Double(state.pid))
            object["url"] = .string("http://\(state.host):\(state.port)")
            object["uptime_seconds"] = .number(Double(max(0, facts.now - state.startedMS)) / 1000)
        }
        if let health = facts.health {
            object["queued"] = .number(Double(health.queued))
            object["running_tasks"] = .array(facts.running.map(\.json))
            object["oldest_queued_age_seconds"] =
                health.oldestQueuedMS.map { .number(Double(max(0, facts.now - $0)) / 1000) } ?? .null
            object["active_leases"] = .number(Double(health.activeLeases))
        }
        return JSONValue.object(object).jsonString + "\n"
    }

    private func gather() async throws -> (
        state: DaemonState?, health: QueueHealth?, running: [QueuedTask], now: Int64
    ) {
        let state = files.runningState()
        let now = QueueClock.now()
        let store = TaskQueue.Store(setting: queueSetting, sqlitePath: dbPath)
        // No database yet: nothing was ever queued (and status must not create one).
        if case .sqlite = store, !FileManager.default.fileExists(atPath: dbPath) { return (state, nil, [], now) }
        let queue = TaskQueue(store: store)
        let health = try await queue.health()
        var running = try await queue.list(status: .running, limit: 20, after: nil).tasks
        running += try await queue.list(status: .cancelling, limit: 20, after: nil).tasks
        return (state, health, running, now)
    }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.down))
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m \(total % 60)s" }
        if total < 86_400 { return "\(total / 3600)h \((total % 3600) / 60)m" }
        return "\(total / 86_400)d \((total % 86_400) / 3600)h"
    }
}
