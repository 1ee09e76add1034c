import OpenKoiCore
import OpenKoiMemory

/// One entry of a task's durable event log (the SSE stream's events).
public struct QueueEvent: Sendable, Hashable {
    /// From 1, one more per event of the task: the SSE `id:`.
    public var seq: Int64
    public var kind: String
    public var data: JSONValue
    public var createdMS: Int64
}

/// What a running task has done so far, kept with it so a cancelled or interrupted task still shows
/// its partial work and spend.
public struct TaskProgress: Sendable, Hashable {
    public var iterations: Int?
    public var iterationScore: JSONValue?
    public var inputTokens: Int?
    public var outputTokens: Int?
    public var costUSD: Double?
    public var output: String?

    public init(
        iterations: Int? = nil, iterationScore: JSONValue? = nil, inputTokens: Int? = nil, outputTokens: Int? = nil,
        costUSD: Double? = nil, output: String? = nil
    ) {
        self.iterations = iterations
        self.iterationScore = iterationScore
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.costUSD = costUSD
        self.output = output
    }
}

extension TaskQueue {
    /// Logs an event of a claimed task and folds its progress in; nothing is written (nil) when the
    /// claim was lost, so a stale worker cannot add to a newer attempt's log.
    @discardableResult
    public func record(_ claim: Claim, kind: String, data: JSONValue, progress: TaskProgress? = nil) throws -> Int64? {
        let db = try db()
        let time = now()
        let seq = try db.transaction { () throws(StoreError) -> Int64? in
            guard
                try db.scalarInt(
                    "SELECT 1 FROM queue_tasks WHERE id = ? AND fence = ? AND status IN ('running', 'cancelling')",
                    [.text(claim.task.id), .int(claim.fence)]) != nil
            else { return nil }
            if let progress { try Self.apply(db, progress, to: claim.task.id) }
            return try Self.appendEvent(db, taskID: claim.task.id, kind: kind, data: data, time: time)
        }
        if seq != nil { signal.notify(claim.task.id) }
        return seq
    }

    static func apply(_ db: any QueueDatabase, _ progress: TaskProgress, to id: String) throws(StoreError) {
        if let iterations = progress.iterations {
            try db.run(
                "UPDATE queue_tasks SET iterations = \(db.dialect.greatest)(iterations, ?) WHERE id = ?",
                [
                    .int(Int64(iterations)), .text(id),
                ])
        }
        if let entry = progress.iterationScore {
            let current = try db.rows("SELECT iteration_scores FROM queue_tasks WHERE id = ?", [.text(id)]) {
                $0.text(0)
            }.first
            var scores = current.flatMap(JSONValue.parse)?.arrayValue ?? []
            scores.append(entry)
            try db.run(
                "UPDATE queue_tasks SET iteration_scores = ? WHERE id = ?",
                [
                    .text(JSONValue.array(scores).jsonString), .text(id),
                ])
        }
        if let input = progress.inputTokens, let output = progress.outputTokens, let cost = progress.costUSD {
            try db.run(
                "UPDATE queue_tasks SET input_tokens = ?, output_tokens = ?, cost_usd = ? WHERE id = ?",
                [
                    .int(Int64(input)), .int(Int64(output)), .real(cost), .text(id),
                ])
        }
        if let output = progress.output {
            try db.run("UPDATE queue_tasks SET output = ? WHERE id = ?", [.text(output), .text(id)])
        }
    }

    /// The task's events after `seq` (oldest first), at most `limit`.
    public func events(taskID: String, after seq: Int64, limit: Int = 500) throws -> [QueueEvent] {
        try db().rows(
            "SELECT seq, kind, data, created_ms FROM queue_events WHERE task_id = ? AND seq > ? ORDER BY seq LIMIT ?",
            [.text(taskID), .int(seq), .int(Int64(limit))]
        ) {
            QueueEvent(
                seq: $0.int(0), kind: $0.text(1), data: JSONValue.parse($0.text(2)) ?? .null, createdMS: $0.int(3))
        }
    }
}
