import FoundationEssentials
import OpenKoiCore
import OpenKoiMemory

/// Row reading and the writes several operations share (all run inside the caller's transaction).
extension TaskQueue {
    static let columns = """
        id, request, status, attempts, queued_ms, running_ms, cancelling_ms, finished_ms, output, score,
        iterations, input_tokens, output_tokens, cost_usd, model, decision, error, iteration_scores, reserved_usd,
        description, rowid
        """

    static func read(_ row: any QueueRow) -> QueuedTask {
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

    static func task(_ db: any QueueDatabase, id: String) throws(StoreError) -> QueuedTask? {
        try db.rows("SELECT \(columns) FROM queue_tasks WHERE id = ?", [.text(id)], read).first
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
    /// - Parameter first: the task was created in this transaction, so nobody else can write its
    ///   events yet: it starts at 1 with no lock and no lookup.
    @discardableResult
    static func appendEvent(
        _ db: any QueueDatabase, taskID: String, kind: String, data: JSONValue, time: Int64, first: Bool = false
    ) throws(StoreError) -> Int64 {
        var seq: Int64 = 1
        if !first {
            // Sequence numbers per task are taken one writer at a time (SQLite's write lock does it there).
            if let lock = db.dialect.lockTask { try db.run(lock, [.text(taskID)]) }
            seq = (try db.scalarInt("SELECT max(seq) FROM queue_events WHERE task_id = ?", [.text(taskID)]) ?? 0) + 1
        }
        try db.run(
            "INSERT INTO queue_events(task_id, seq, kind, data, created_ms) VALUES (?, ?, ?, ?, ?)",
            [
                .text(taskID), .int(seq), .text(kind), .text(data.jsonString), .int(time),
            ])
        try db.announce(taskID)
        return seq
    }

    static func markFinal(
        _ db: any QueueDatabase, id: String, status: QueueStatus, error: String?, time: Int64
    ) throws(StoreError) {
        try db.run(
            """
            UPDATE queue_tasks SET status = ?, finished_ms = ?, error = coalesce(error, ?), lease_owner = NULL,
                lease_expires_ms = NULL, reserved_usd = 0 WHERE id = ?
            """, [.text(status.rawValue), .int(time), .optional(error), .text(id)])
        var data: [String: JSONValue] = ["status": .string(status.rawValue), "final": true]
        data["error"] = error.map(JSONValue.string) ?? .null
        try appendEvent(db, taskID: id, kind: "finished", data: .object(data), time: time)
    }

    /// A claimed task whose worker is gone: back to `queued` while attempts remain and the policy
    /// says so, else `interrupted`.
    static func interrupt(
        _ db: any QueueDatabase, id: String, fence: Int64, spent: Double, policy: QueueStatus.InterruptPolicy,
        maxAttempts: Int, time: Int64, reason: String
    ) throws(StoreError) {
        let attempts = try db.scalarInt(
            "SELECT attempts FROM queue_tasks WHERE id = ? AND fence = ?",
            [
                .text(id), .int(fence),
            ])
        guard let attempts else { return }
        if policy == .requeue, attempts < maxAttempts {
            try db.run(
                """
                UPDATE queue_tasks SET status = 'queued', lease_owner = NULL, lease_expires_ms = NULL,
                    cost_usd = cost_usd + ? WHERE id = ? AND fence = ?
                """, [.real(spent), .text(id), .int(fence)])
            try appendEvent(
                db, taskID: id, kind: "status",
                data: ["status": "queued", "reason": .string(reason), "attempts": .number(Double(attempts))], time: time
            )
        } else {
            try db.run("UPDATE queue_tasks SET cost_usd = cost_usd + ? WHERE id = ?", [.real(spent), .text(id)])
            let why = policy == .requeue ? "\(reason); it had used all \(maxAttempts) attempts" : reason
            try markFinal(db, id: id, status: .interrupted, error: why, time: time)
        }
    }

    /// Tasks that finished since `since` and what they cost.
    static func spent(_ db: any QueueDatabase, since: Int64) throws(StoreError) -> (tasks: Int, costUSD: Double) {
        try db.rows(
            "SELECT count(*), coalesce(sum(cost_usd), 0) FROM queue_tasks WHERE finished_ms >= ?", [.int(since)]
        ) { (Int($0.int(0)), $0.double(1)) }.first ?? (0, 0)
    }

    /// USD that queued and running tasks may still spend: their budgets.
    static func reserved(_ db: any QueueDatabase) throws(StoreError) -> Double {
        try db.rows(
            """
            SELECT coalesce(sum(reserved_usd), 0) FROM queue_tasks
            WHERE status IN ('queued', 'running', 'cancelling')
            """
        ) { $0.double(0) }.first ?? 0
    }
}
