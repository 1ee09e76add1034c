import OpenKoiCore
import OpenKoiMemory

/// Claims: a worker takes a queued task under a lease with a fence, renews it, and writes the result
/// only while the claim still holds.
extension TaskQueue {
    /// Takes the oldest queued task for `owner` until `leaseMS` from now, with a new fence.
    public func claim(owner: String, leaseMS: Int64) throws -> Claim? {
        let db = try db()
        let time = now()
        return try db.transaction { () throws(StoreError) -> Claim? in
            guard
                let id = try db.rows(
                    "SELECT id FROM queue_tasks WHERE status = 'queued' ORDER BY queued_ms, rowid LIMIT 1"
                        + db.dialect.skipLocked
                ) { $0.text(0) }.first
            else { return nil }
            try db.run(
                """
                UPDATE queue_tasks SET status = 'running', attempts = attempts + 1, fence = fence + 1,
                    lease_owner = ?, lease_expires_ms = ?, running_ms = coalesce(running_ms, ?) WHERE id = ?
                """, [.text(owner), .int(time + leaseMS), .int(time), .text(id)])
            guard let task = try Self.task(db, id: id),
                let fence = try db.scalarInt("SELECT fence FROM queue_tasks WHERE id = ?", [.text(id)])
            else { return nil }
            try Self.appendEvent(
                db, taskID: id, kind: "status",
                data: ["status": "running", "attempt": .number(Double(task.attempts))], time: time)
            return Claim(task: task, owner: owner, fence: fence)
        }
    }

    /// Extends a live claim. Returns false when the claim was lost (expired and taken, or finished);
    /// `cancelRequested` tells the worker to abort.
    public func renew(_ claim: Claim, leaseMS: Int64) throws -> (held: Bool, cancelRequested: Bool) {
        let db = try db()
        let time = now()
        return try db.transaction { () throws(StoreError) -> (Bool, Bool) in
            try db.run(
                """
                UPDATE queue_tasks SET lease_expires_ms = ?
                WHERE id = ? AND fence = ? AND lease_owner = ? AND status IN ('running', 'cancelling')
                """, [.int(time + leaseMS), .text(claim.task.id), .int(claim.fence), .text(claim.owner)])
            guard db.changes == 1 else { return (false, false) }
            let status = try db.rows("SELECT status FROM queue_tasks WHERE id = ?", [.text(claim.task.id)]) {
                $0.text(0)
            }.first
            return (true, status == QueueStatus.cancelling.rawValue)
        }
    }

    /// Writes the task's result if `claim` still holds it; false (nothing written) when a newer claim
    /// or a final status got there first. Webhook deliveries are queued in the same transaction.
    public func finish(_ claim: Claim, result: TaskResult, webhooks: [WebhookDelivery] = []) throws -> Bool {
        let db = try db()
        let time = now()
        let status = Self.status(for: result)
        let written = try db.transaction { () throws(StoreError) -> Bool in
            try db.run(
                """
                UPDATE queue_tasks SET status = ?, finished_ms = ?, lease_owner = NULL, lease_expires_ms = NULL,
                    reserved_usd = 0, output = ?, score = ?, iterations = ?, input_tokens = ?, output_tokens = ?,
                    cost_usd = cost_usd + ?, model = ?, decision = ?, error = ?
                WHERE id = ? AND fence = ? AND status IN ('running', 'cancelling')
                """,
                [
                    .text(status.rawValue), .int(time), .text(result.output), .optional(result.score),
                    .int(Int64(result.iterations)), .int(Int64(result.usage.inputTokens)),
                    .int(Int64(result.usage.outputTokens)),
                    .real(result.costUSD), .text(result.model), .text(result.decision.rawValue),
                    .optional(result.error), .text(claim.task.id), .int(claim.fence),
                ])
            guard db.changes == 1 else { return false }
            var data: [String: JSONValue] = [
                "status": .string(status.rawValue), "decision": .string(result.decision.rawValue),
                "iterations": .number(Double(result.iterations)), "cost_usd": .number(result.costUSD),
                "tokens": .number(Double(result.usage.total)), "final": true,
            ]
            data["score"] = result.score.map(JSONValue.number) ?? .null
            data["error"] = result.error.map(JSONValue.string) ?? .null
            try Self.appendEvent(db, taskID: claim.task.id, kind: "finished", data: .object(data), time: time)
            for delivery in webhooks { try Self.insert(db, delivery, time: time) }
            if !webhooks.isEmpty { try db.announce(Self.outboxKey) }
            return true
        }
        if written {
            signal.notify(claim.task.id)
            if !webhooks.isEmpty { signal.notify(Self.outboxKey) }
        }
        return written
    }

    /// Gives a claimed task back after a shutdown that could not wait for it: queued again (its
    /// spend kept) or `interrupted`, per `[daemon] on_interrupt`.
    public func release(_ claim: Claim, partial result: TaskResult?, policy: QueueStatus.InterruptPolicy) throws {
        let db = try db()
        let time = now()
        try db.transaction { () throws(StoreError) in
            try Self.interrupt(
                db, id: claim.task.id, fence: claim.fence, spent: result?.costUSD ?? 0, policy: policy,
                maxAttempts: limits.maxAttempts, time: time, reason: "the daemon stopped while it ran")
            try db.announce(Self.queuedKey)
        }
        signal.notify(claim.task.id)
    }

    /// After a restart: every task a dead worker held is requeued or marked `interrupted`; a task
    /// that was being cancelled is `cancelled`. Returns how many were recovered.
    @discardableResult
    public func recoverAbandoned(policy: QueueStatus.InterruptPolicy, onlyExpired: Bool = false) throws -> Int {
        let db = try db()
        let time = now()
        let recovered = try db.transaction { () throws(StoreError) -> [String] in
            let rows = try db.rows(
                """
                SELECT id, fence, status FROM queue_tasks
                WHERE status IN ('running', 'cancelling') AND (? = 0 OR lease_expires_ms < ?) ORDER BY id
                """ + db.dialect.skipLocked, [.int(onlyExpired ? 1 : 0), .int(time)]
            ) { ($0.text(0), $0.int(1), $0.text(2)) }
            for (id, fence, status) in rows {
                if status == QueueStatus.cancelling.rawValue {
                    try Self.markFinal(db, id: id, status: .cancelled, error: "task cancelled", time: time)
                } else {
                    try Self.interrupt(
                        db, id: id, fence: fence, spent: 0, policy: policy, maxAttempts: limits.maxAttempts,
                        time: time, reason: "its worker stopped (daemon restart or crash)")
                }
            }
            if !rows.isEmpty { try db.announce(Self.queuedKey) }
            return rows.map(\.0)
        }
        for id in recovered { signal.notify(id) }
        if !recovered.isEmpty { signal.notify(Self.queuedKey) }
        return recovered.count
    }
}
