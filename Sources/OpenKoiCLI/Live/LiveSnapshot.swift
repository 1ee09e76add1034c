import FoundationEssentials
import OpenKoiCore
import OpenKoiProviders
import OpenKoiServer

/// What `status --live` shows at one moment: the CLI's running task (its state file), the daemon's
/// running tasks and queue (its API), and the last finished tasks (the history file).
struct LiveSnapshot: Sendable {
    struct RunningTask: Sendable, Hashable {
        var id: String
        var description: String
        /// `cli` or `daemon`.
        var source: String
        var phase: String
        var iteration: Int
        var maxIterations: Int
        var score: Double?
        var tokens: Int
        var costUSD: Double
        var elapsedSeconds: Double?
    }

    var tasks: [RunningTask] = []
    /// "PID 42 · http://127.0.0.1:9742 · 3 queued (oldest 12s) · 1 running", or why it is unknown.
    var daemon: String?
    var recent: [TaskStateFiles.HistoryEntry] = []

    /// Reads every source; a missing or unreadable one is left out, never fatal.
    static func gather(session: Session) async -> LiveSnapshot {
        var snapshot = LiveSnapshot()
        let files = TaskStateFiles(stateDirectory: session.paths.stateDir)
        if let data = FileManager.default.contents(atPath: files.currentTaskPath),
            let current = try? JSONDecoder().decode(TaskStateFiles.CurrentTask.self, from: data)
        {
            snapshot.tasks.append(
                RunningTask(
                    id: current.task_id, description: current.description, source: "cli", phase: current.phase,
                    iteration: current.iteration, maxIterations: current.max_iterations,
                    score: current.best_score ?? current.current_score, tokens: current.tokens_used,
                    costUSD: current.cost_usd, elapsedSeconds: current.elapsed_secs))
        }
        snapshot.recent = Array(files.readHistory().suffix(5).reversed())
        let daemonFiles = DaemonFiles(dataDir: session.paths.dataDir)
        guard let state = daemonFiles.runningState() else { return snapshot }
        var headers: [(name: String, value: String)] = []
        if let token = session.config.api.token, !token.isEmpty { headers.append(("Authorization", "Bearer \(token)")) }
        let url = "http://\(state.host == "0.0.0.0" ? "127.0.0.1" : state.host):\(state.port)/api/v1/status"
        do {
            let response = try await CurlTransport().send(
                HTTPRequest(url: url, headers: headers, timeout: 2, connectTimeout: 1))
            let body = try await response.collectBody()
            guard response.head.status == 200, let status = JSONValue.parse(body) else {
                snapshot.daemon = "PID \(state.pid) · its API answered HTTP \(response.head.status)"
                return snapshot
            }
            snapshot.daemon = Self.daemonLine(state: state, status: status)
            for task in status["active_tasks"]?.arrayValue ?? [] {
                snapshot.tasks.append(
                    RunningTask(
                        id: task["task_id"]?.stringValue ?? "", description: task["description"]?.stringValue ?? "",
                        source: "daemon", phase: task["status"]?.stringValue ?? "running",
                        iteration: task["iterations"]?.intValue ?? 0,
                        maxIterations: task["request"]?["max_iterations"]?.intValue
                            ?? session.config.iteration.maxIterations,
                        score: task["iteration_scores"]?.arrayValue?.compactMap { $0["score"]?.doubleValue }.max(),
                        tokens: task["tokens"]?["total"]?.intValue ?? 0, costUSD: task["cost_usd"]?.doubleValue ?? 0,
                        elapsedSeconds: nil))
            }
        } catch {
            snapshot.daemon = "PID \(state.pid) · its API did not answer (\(error))"
        }
        return snapshot
    }

    static func daemonLine(state: DaemonState, status: JSONValue) -> String {
        let queue = status["queue"]
        var line = "PID \(state.pid) · http://\(state.host):\(state.port)"
        line += " · \(queue?["queued"]?.intValue ?? 0) queued"
        if let age = queue?["oldest_queued_age_seconds"]?.doubleValue {
            line += " (oldest \(DaemonReport.duration(age)))"
        }
        return line + " · \(queue?["running"]?.intValue ?? 0) running"
    }
}
