import FoundationEssentials
import OpenKoiCore
import OpenKoiMemory

/// Row reading and the writes several operations share (all run inside the caller's transaction).
extension SQLiteTaskQueue {
    static let columns = """
        id, request, status, attempts, queued_ms, running_ms, cancelling_ms, finished_ms, output, score,
        iterations, input_tokens, output_tokens, cost_usd, model, decision, error, iteration_scores, reserved_usd,
        description, rowid
        """

    static func read(_ row: Statement) -> QueuedTask {
        let request = TaskRequest(stored: row.text(1)) ?? TaskRequest(description: row.text(19))
        let scores = JSONValue.parse(row.text(17))?.arrayValue ?? []
        return QueuedTask(
            id: row.text(0), request: request, status: QueueStatus(rawValue: row.text(2)) ?? .failed,
            attempts: Int(row.int(3)), queuedMS: row.int(4), runningMS: row.optionalInt(5),
            cancellingMS: row.optionalInt(6), finishedMS: row.optionalInt(7), output: row.optionalText(8),
            score: row.optionalDouble(9), iterations: Int(row.int(10)), inputTokens: Int(row.int(11)),
            outputTokens: Int(row.int(12)), costUSD: row.double(13), model: row.optionalText(14),
            decision: row.optionalText(15), error: row.optionalText(16), iterationScores: scores,
            reservedUSD: row.double(18))
    }

    static func task(_ db: SQLiteConnection, id: String) throws(StoreError) -> QueuedTask? {
        try db.cached("SELECT \(columns) FROM queue_tasks WHERE id = ?").rows([.text(id)], read).first
    }

    /// The queue status a finished pipeline run maps to: the batch/CLI status, with a cancel told
    /// apart from the other breakers (which end the task `failed`).
    static func status(for result: TaskResult) -> QueueStatus {
        switch result.status {
        case .accepted, .acceptedBest: return .succeeded
        case .stopped where result.decision == .cancelled: return .cancelled
        case .stopped, .failed: return .failed
        }
    }

    /// Appends to the task's event log; returns the new event's sequence number (from 1).
    @discardableResult
    static func appendEvent(
        _ db: SQLiteConnection, taskID: String, kind: String, data: JSONValue, time: Int64
    ) throws(StoreError) -> Int64 {
        let seq = (try db.scalarInt("SELECT max(seq) FROM queue_events WHERE task_id = ?", [.text(taskID)]) ?? 0) + 1
        try db.cached("INSERT INTO queue_events(task_id, seq, kind, data, created_ms) VALUES (?, ?, ?, ?, ?)").run([
            .text(taskID), .int(seq), .text(kind), .text(data.jsonString), .int(time),
        ])
        return seq
    }

    static func markFinal(
        _ db: SQLiteConnection, id: String, status: QueueStatus, error: String?, time: Int64
    ) throws(StoreError) {
        try db.cached(
            """
            UPDATE queue_tasks SET status = ?, finished_ms = ?, error = coalesce(error, ?), lease_owner = NULL,
                lease_expires_ms = NULL, reserved_usd = 0 WHERE id = ?
            """
        ).run([.text(status.rawValue), .int(time), .optional(error), .text(id)])
        var data: [String: JSONValue] = ["status": .string(status.rawValue), "final": true]
        data["error"] = error.map(JSONValue.string) ?? .null
        try appendEvent(db, taskID: id, kind: "finished", data: .object(data), time: time)
    }

    /// A claimed task whose worker is gone: back to `queued` while attempts remain and the policy
    /// says so, else `interrupted`.
    static func interrupt(
        _ db: SQLiteConnection, id: String, fence: Int64, spent: Double, policy: QueueStatus.InterruptPolicy,
        maxAttempts: Int, time: Int64, reason: String
    ) throws(StoreError) {
        let attempts = try db.scalarInt(
            "SELECT attempts FROM queue_tasks WHERE id = ? AND fence = ?",
            [
                .text(id), .int(fence),
            ])
        guard let attempts else { return }
        if policy == .requeue, attempts < maxAttempts {
            try db.cached(
                """
                UPDATE queue_tasks SET status = 'queued', lease_owner = NULL, lease_expires_ms = NULL,
                    cost_usd = cost_usd + ? WHERE id = ? AND fence = ?
                """
            ).run([.real(spent), .text(id), .int(fence)])
            try appendEvent(
                db, taskID: id, kind: "status",
                data: ["status": "queued", "reason": .string(reason), "attempts": .number(Double(attempts))], time: time
            )
        } else {
            try db.cached("UPDATE queue_tasks SET cost_usd = cost_usd + ? WHERE id = ?").run([.real(spent), .text(id)])
            let why = policy == .requeue ? "\(reason); it had used all \(maxAttempts) attempts" : reason
            try markFinal(db, id: id, status: .interrupted, error: why, time: time)
        }
    }

    /// Tasks that finished since `since` and what they cost.
    static func spent(_ db: SQLiteConnection, since: Int64) throws(StoreError) -> (tasks: Int, costUSD: Double) {
        let statement = try db.prepare(
            "SELECT count(*), coalesce(sum(cost_usd), 0) FROM queue_tasks WHERE finished_ms >= ?")
        try statement.bind([.int(since)])
        guard try statement.step() else { return (0, 0) }
        return (Int(statement.int(0)), statement.double(1))
    }

    /// USD that queued and running tasks may still spend: their budgets.
    static func reserved(_ db: SQLiteConnection) throws(StoreError) -> Double {
        let statement = try db.prepare(
            """
            SELECT coalesce(sum(reserved_usd), 0) FROM queue_tasks
            WHERE status IN ('queued', 'running', 'cancelling')
            """)
        return try statement.step() ? statement.double(0) : 0
    }
}
