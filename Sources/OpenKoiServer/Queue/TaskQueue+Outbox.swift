import OpenKoiCore
import OpenKoiMemory

/// One webhook delivery as the outbox holds it: the same id (the `webhook-id` header) on every attempt.
public struct WebhookDelivery: Sendable, Hashable {
    public var id: String
    public var event: String
    public var url: String
    public var body: String
    public var attempts: Int

    public init(id: String, event: String, url: String, body: String, attempts: Int = 0) {
        self.id = id
        self.event = event
        self.url = url
        self.body = body
        self.attempts = attempts
    }
}

extension TaskQueue {
    public static let outboxKey = "queue:outbox"

    static func insert(_ db: any QueueDatabase, _ delivery: WebhookDelivery, time: Int64) throws(StoreError) {
        try db.run(
            """
            INSERT INTO webhook_outbox(id, event, url, body, next_attempt_ms, created_ms)
            VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
            """,
            [
                .text(delivery.id), .text(delivery.event), .text(delivery.url), .text(delivery.body), .int(time),
                .int(time),
            ])
    }

    /// Queues deliveries outside a task's result (CLI runs, budget warnings). A delivery whose id is
    /// already in the outbox is not added again. Returns whether any was new.
    @discardableResult
    public func enqueueWebhooks(_ deliveries: [WebhookDelivery]) throws -> Bool {
        guard !deliveries.isEmpty else { return false }
        let db = try db()
        let time = now()
        let added = try db.transaction { () throws(StoreError) -> Bool in
            var added = false
            for delivery in deliveries {
                try Self.insert(db, delivery, time: time)
                added = added || db.changes > 0
            }
            if added { try db.announce(Self.outboxKey) }
            return added
        }
        if added { signal.notify(Self.outboxKey) }
        return added
    }

    /// Deliveries whose next attempt is due, oldest first; and when the next one after them is due.
    /// When daemons share the queue the ones returned are held for `holdMS` (their next attempt moved
    /// on), so no peer sends them at the same time; a sender that dies leaves them due again then.
    public func dueWebhooks(limit: Int = 32, holdMS: Int64 = 60_000) throws -> (
        due: [WebhookDelivery], nextMS: Int64?
    ) {
        let db = try db()
        let time = now()
        let due = try db.transaction { () throws(StoreError) -> [WebhookDelivery] in
            let due = try db.rows(
                """
                SELECT id, event, url, body, attempts FROM webhook_outbox
                WHERE delivered_ms IS NULL AND failed_ms IS NULL AND next_attempt_ms <= ?
                ORDER BY next_attempt_ms LIMIT ?
                """ + db.dialect.skipLocked, [.int(time), .int(Int64(limit))]
            ) {
                WebhookDelivery(
                    id: $0.text(0), event: $0.text(1), url: $0.text(2), body: $0.text(3), attempts: Int($0.int(4)))
            }
            if isShared {
                for delivery in due {
                    try db.run(
                        "UPDATE webhook_outbox SET next_attempt_ms = ? WHERE id = ?",
                        [.int(time + holdMS), .text(delivery.id)])
                }
            }
            return due
        }
        let next = try db.scalarInt(
            """
            SELECT min(next_attempt_ms) FROM webhook_outbox
            WHERE delivered_ms IS NULL AND failed_ms IS NULL AND next_attempt_ms > ?
            """,
            [.int(time)])
        return (due, next)
    }

    /// Records an attempt: delivered, due again at `retryAtMS`, or given up (`retryAtMS` nil).
    public func recordAttempt(_ id: String, delivered: Bool, error: String?, retryAtMS: Int64?) throws {
        let db = try db()
        let time = now()
        if delivered {
            try db.run(
                "UPDATE webhook_outbox SET attempts = attempts + 1, delivered_ms = ?, last_error = NULL WHERE id = ?",
                [.int(time), .text(id)])
        } else if let retryAtMS {
            try db.run(
                "UPDATE webhook_outbox SET attempts = attempts + 1, next_attempt_ms = ?, last_error = ? WHERE id = ?",
                [.int(retryAtMS), .optional(error), .text(id)])
        } else {
            try db.run(
                "UPDATE webhook_outbox SET attempts = attempts + 1, failed_ms = ?, last_error = ? WHERE id = ?",
                [.int(time), .optional(error), .text(id)])
        }
    }

    /// Every delivery with its state (tests and `daemon status`).
    public func outbox() throws -> [(delivery: WebhookDelivery, delivered: Bool, failed: Bool, lastError: String?)] {
        try db().rows(
            """
            SELECT id, event, url, body, attempts, CASE WHEN delivered_ms IS NULL THEN 0 ELSE 1 END,
                   CASE WHEN failed_ms IS NULL THEN 0 ELSE 1 END, last_error
            FROM webhook_outbox ORDER BY created_ms, rowid
            """
        ) {
            (
                WebhookDelivery(
                    id: $0.text(0), event: $0.text(1), url: $0.text(2), body: $0.text(3), attempts: Int($0.int(4))),
                $0.int(5) != 0, $0.int(6) != 0, $0.optionalText(7)
            )
        }
    }
}
