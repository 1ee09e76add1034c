import FoundationEssentials
import OpenKoiCore
import OpenKoiMemory
import OpenKoiProviders

/// The daemon's durable queue: by default in the memory database (`<data>/openkoi.db`, WAL), or on
/// a PostgreSQL server several daemons share (`[daemon] queue = "postgres://…"`). Every change is one
/// transaction, committed (fsynced) before the caller hears of it: a task the API accepted survives
/// kill -9 and power loss.
///
/// With SQLite one daemon per data directory (its lock) owns the queue, so at start every lease it
/// finds belongs to a dead worker and is recovered at once. On PostgreSQL a lease is a peer's until
/// it expires; the workers sweep expired ones.
public actor TaskQueue {
    /// Where the queue's tables are.
    public enum Store: Sendable, Hashable {
        case sqlite(path: String)
        /// A libpq connection URL (`postgres://user:password@host:5432/db`).
        case postgres(url: String)

        /// `[daemon] queue`: `sqlite` (the data dir's database at `sqlitePath`) or a PostgreSQL URL.
        public init(setting: String, sqlitePath: String) {
            self = setting == "sqlite" ? .sqlite(path: sqlitePath) : .postgres(url: setting)
        }

        /// What `daemon status` and the state file show: `sqlite`, or the URL without its password.
        public var shown: String {
            switch self {
            case .sqlite: "sqlite"
            case .postgres(let url): PostgresConnection.masked(url)
            }
        }
    }

    public nonisolated let store: Store
    public nonisolated let limits: QueueLimits
    /// Wakes SSE streams and workers after a commit (keys: a task's id, or `queuedKey`).
    public nonisolated let signal = EventSignal()
    public static let queuedKey = "queue:queued"
    let now: @Sendable () -> Int64
    private var database: (any QueueDatabase)?
    private var listener: PostgresListener?
    /// Idempotency keys whose request is still arriving: a duplicate meanwhile is refused (409).
    private var creating: Set<String> = []
    /// Enqueues waiting for the next group commit.
    private var pending: [PendingEnqueue] = []
    private var commitScheduled = false

    public init(
        store: Store, limits: QueueLimits = QueueLimits(), now: @escaping @Sendable () -> Int64 = QueueClock.now
    ) {
        self.store = store
        self.limits = limits
        self.now = now
    }

    /// The queue in the SQLite database at `path`.
    public init(
        path: String, limits: QueueLimits = QueueLimits(), now: @escaping @Sendable () -> Int64 = QueueClock.now
    ) {
        self.init(store: .sqlite(path: path), limits: limits, now: now)
    }

    /// Several daemons share the queue (PostgreSQL): a running lease may be a live peer's.
    public nonisolated var isShared: Bool { if case .postgres = store { true } else { false } }

    func db() throws -> any QueueDatabase {
        if let database { return database }
        let opened: any QueueDatabase
        switch store {
        case .sqlite(let path): opened = try SQLiteQueueDatabase(path: path)
        case .postgres(let url): opened = try PostgresQueueDatabase(url: url)
        }
        database = opened
        return opened
    }

    /// Opens the queue now (a daemon checks its database before it serves) and, on a shared queue,
    /// listens for the other daemons' commits (to wake this one's workers and streams) until `close`.
    public func open() throws {
        _ = try db()
        if case .postgres(let url) = store, listener == nil {
            listener = PostgresListener(url: url, channel: PostgresQueueDatabase.channel, signal: signal)
        }
    }

    public func close() {
        listener?.stop()
        listener = nil
    }

    // MARK: Enqueue

    /// Marks an idempotency key as being created (before its body is read); 409 when it already is.
    public func reserve(key: String) throws(APIError) {
        guard !creating.contains(key) else { throw .idempotencyInProgress }
        creating.insert(key)
        signal.notify(Self.reservedKey(key))
    }

    public func release(key: String) { creating.remove(key) }

    /// Whether a request with this idempotency key is being created now.
    public func isReserved(key: String) -> Bool { creating.contains(key) }

    /// Notified when an idempotency key is reserved (tests wait on it).
    public static func reservedKey(_ key: String) -> String { "reserved:" + key }

    /// Commits a new task, or returns the task an earlier request with the same key created.
    /// - Throws: `APIError` 422 when the key was used with a different body, 429 when the queue is
    ///   full, 422 when the task's budget would pass the daily budget; a store error otherwise.
    public func enqueue(_ request: TaskRequest, idempotencyKey key: String? = nil) async throws -> EnqueueOutcome {
        let result = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<EnqueueOutcome, any Error>, Never>) in
            pending.append(PendingEnqueue(request: request, key: key, continuation: continuation))
            if !commitScheduled {
                commitScheduled = true
                Task { self.commitPending() }
            }
        }
        return try result.get()
    }

    /// Group commit: every enqueue that arrived while the previous commit was on the disk goes into
    /// one transaction, so one fsync (`synchronous = FULL`) covers them all and throughput grows with
    /// load instead of stopping at one fsync per task. Each request is still checked on its own.
    private func commitPending() {
        commitScheduled = false
        let batch = pending
        pending.removeAll()
        let time = now()
        var results: [Result<EnqueueOutcome, any Error>]
        do {
            let db = try db()
            let outcomes = try db.transaction { () throws(StoreError) -> [Result<EnqueueOutcome, APIError>] in
                var outcomes: [Result<EnqueueOutcome, APIError>] = []
                var group = EnqueueGroup()
                for item in batch {
                    outcomes.append(try insert(db, item.request, key: item.key, time: time, group: &group))
                }
                if outcomes.contains(where: { if case .success(.created) = $0 { true } else { false } }) {
                    try db.announce(Self.queuedKey)
                }
                return outcomes
            }
            results = outcomes.map { $0.mapError { $0 as any Error } }
        } catch {
            results = batch.map { _ in .failure(error) }
        }
        let created = results.contains { if case .success(.created) = $0 { true } else { false } }
        if created { signal.notify(Self.queuedKey) }
        for (item, result) in zip(batch, results) { item.continuation.resume(returning: result) }
    }

    /// What a group commit reads once and then keeps up to date itself as its requests go in: at
    /// 16 requests a group, counting the queue for each was most of the enqueue's time.
    private struct EnqueueGroup {
        var expiredKeysDeleted = false
        /// Queued tasks, counted up to the limit.
        var waiting: Int?
        /// USD spent in the last 24 h plus what queued and running tasks reserve.
        var committedUSD: Double?
    }

    /// One request inside the group's transaction.
    private func insert(
        _ db: any QueueDatabase, _ request: TaskRequest, key: String?, time: Int64, group: inout EnqueueGroup
    ) throws(StoreError) -> Result<EnqueueOutcome, APIError> {
        let stored = request.json.jsonString
        let bodyHash = SHA256.hexHash(Array(stored.utf8))
        if let key {
            // Expired keys go first, so a key past its window makes a new task.
            if !group.expiredKeysDeleted {
                try db.run(
                    "DELETE FROM queue_idempotency WHERE created_ms < ?", [.int(time - limits.idempotencyWindowMS)])
                group.expiredKeysDeleted = true
            }
            if let earlier = try Self.earlier(db, key: key, bodyHash: bodyHash) { return earlier }
        }
        // Counted only up to the limit: the check stays cheap however long the queue grows.
        if group.waiting == nil {
            group.waiting = Int(
                try db.scalarInt(
                    "SELECT count(*) FROM (SELECT 1 FROM queue_tasks WHERE status = 'queued' LIMIT ?) AS waiting",
                    [.int(Int64(limits.maxQueued))]) ?? 0)
        }
        let waiting = group.waiting ?? 0
        if waiting >= limits.maxQueued {
            return .failure(
                APIError(
                    .tooManyRequests, code: "queue_full",
                    message: "the queue holds \(waiting) tasks, its limit ([daemon] max_queued); retry later",
                    retryAfter: limits.retryAfterSeconds))
        }
        let reserve = request.budgetUSD ?? limits.defaultTaskBudgetUSD
        if let daily = limits.dailyBudgetUSD {
            if group.committedUSD == nil {
                group.committedUSD = try Self.spent(db, since: time - 86_400_000).costUSD + Self.reserved(db)
            }
            let committed = group.committedUSD ?? 0
            if committed + reserve > daily + 1e-9 {
                return .failure(
                    APIError(
                        .unprocessable, code: "over_daily_budget",
                        message:
                            "this task may spend $\(NumberText.fixed(reserve, decimals: 2)); with "
                            + "$\(NumberText.fixed(committed, decimals: 2)) spent or reserved in the last 24 h that "
                            + "passes [daemon] daily_budget_usd ($\(NumberText.fixed(daily, decimals: 2)))",
                        field: "budget_usd"))
            }
        }
        let id = TaskSpec.newID()
        if let key {
            // The key is claimed before the task exists. On a shared queue another daemon may be
            // committing the same key right now: PostgreSQL makes this insert wait for it, and then
            // that daemon's task is the answer (no second task for one key).
            try db.run(
                """
                INSERT INTO queue_idempotency(key, body_hash, task_id, created_ms) VALUES (?, ?, ?, ?)
                ON CONFLICT(key) DO NOTHING
                """, [.text(key), .text(bodyHash), .text(id), .int(time)])
            if db.changes == 0 {
                return try Self.earlier(db, key: key, bodyHash: bodyHash) ?? .failure(.idempotencyInProgress)
            }
        }
        try db.run(
            """
            INSERT INTO queue_tasks(id, description, request, status, reserved_usd, queued_ms)
            VALUES (?, ?, ?, 'queued', ?, ?)
            """, [.text(id), .text(request.description), .text(stored), .real(reserve), .int(time)])
        group.waiting = waiting + 1
        group.committedUSD? += reserve
        try Self.appendEvent(db, taskID: id, kind: "queued", data: ["status": "queued"], time: time, first: true)
        guard let task = try Self.task(db, id: id) else {
            throw StoreError(.sqlite, path: store.shown, message: "the new task \(id) could not be read back")
        }
        return .success(.created(task))
    }

    /// What an earlier request with `key` got: its task when the body is the same, 422 when it is
    /// not; nil when the key is unused (or its task is gone: the key is then let go).
    private static func earlier(
        _ db: any QueueDatabase, key: String, bodyHash: String
    ) throws(StoreError) -> Result<EnqueueOutcome, APIError>? {
        let row = try db.rows("SELECT body_hash, task_id FROM queue_idempotency WHERE key = ?", [.text(key)]) {
            ($0.text(0), $0.text(1))
        }.first
        guard let (hash, taskID) = row else { return nil }
        guard hash == bodyHash else {
            return .failure(
                APIError(
                    .unprocessable, code: "idempotency_mismatch",
                    message: "this Idempotency-Key was used with a different request body"))
        }
        if let task = try task(db, id: taskID) { return .success(.replayed(task)) }
        try db.run("DELETE FROM queue_idempotency WHERE key = ?", [.text(key)])
        return nil
    }

    // MARK: Cancel

    /// Cancels a task: a queued one at once, a running one by moving it to `cancelling` (its worker
    /// aborts the in-flight call). A final task is returned unchanged, so cancel is idempotent.
    public func requestCancel(id: String) throws -> QueuedTask? {
        let db = try db()
        let time = now()
        let task = try db.transaction { () throws(StoreError) -> QueuedTask? in
            guard let task = try Self.task(db, id: id) else { return nil }
            switch task.status {
            case .queued:
                try Self.markFinal(
                    db, id: id, status: .cancelled, error: "task cancelled before it started", time: time)
            case .running:
                try db.run(
                    "UPDATE queue_tasks SET status = 'cancelling', cancelling_ms = ? WHERE id = ?",
                    [
                        .int(time), .text(id),
                    ])
                try Self.appendEvent(db, taskID: id, kind: "status", data: ["status": "cancelling"], time: time)
            case .cancelling, .succeeded, .failed, .cancelled, .interrupted: break
            }
            try db.announce(Self.cancelKey(id))
            return try Self.task(db, id: id)
        }
        signal.notify(id)
        signal.notify(Self.cancelKey(id))
        return task
    }

    /// Notified when a cancel of the task is requested (its worker waits on it).
    public static func cancelKey(_ id: String) -> String { "cancel:" + id }

    // MARK: Reads

    public func task(id: String) throws -> QueuedTask? { try Self.task(db(), id: id) }

    /// Newest first; `before` is the previous page's last `queued_ms`/id cursor.
    public func list(status: QueueStatus?, limit: Int, after cursor: String?) throws -> (
        tasks: [QueuedTask], next: String?
    ) {
        let db = try db()
        var sql = "SELECT \(Self.columns) FROM queue_tasks WHERE 1 = 1"
        var values: [SQLValue] = []
        if let status {
            sql += " AND status = ?"
            values.append(.text(status.rawValue))
        }
        if let cursor, let rowid = Int64(cursor) {
            sql += " AND rowid < ?"
            values.append(.int(rowid))
        }
        sql += " ORDER BY rowid DESC LIMIT ?"
        values.append(.int(Int64(limit + 1)))
        var rows = try db.rows(sql, values) { ($0.int(20), Self.read($0)) }
        var next: String?
        if rows.count > limit {
            rows.removeLast()
            next = rows.last.map { String($0.0) }
        }
        return (rows.map(\.1), next)
    }

    public func health() throws -> QueueHealth {
        let sql = """
            SELECT (SELECT count(*) FROM queue_tasks WHERE status = 'queued'),
                   (SELECT count(*) FROM queue_tasks WHERE status IN ('running', 'cancelling')),
                   (SELECT min(queued_ms) FROM queue_tasks WHERE status = 'queued'),
                   (SELECT count(*) FROM queue_tasks WHERE lease_owner IS NOT NULL AND lease_expires_ms >= ?)
            """
        let health = try db().rows(sql, [.int(now())]) {
            QueueHealth(
                queued: Int($0.int(0)), running: Int($0.int(1)), oldestQueuedMS: $0.optionalInt(2),
                activeLeases: Int($0.int(3)))
        }
        return health.first ?? QueueHealth(queued: 0, running: 0, oldestQueuedMS: nil, activeLeases: 0)
    }

    public var currentTime: Int64 { now() }
}

struct PendingEnqueue {
    var request: TaskRequest
    var key: String?
    var continuation: CheckedContinuation<Result<EnqueueOutcome, any Error>, Never>
}

/// Bounds the queue keeps (`[daemon]`).
public struct QueueLimits: Sendable, Hashable {
    /// Queued tasks at which POST answers 429.
    public var maxQueued: Int
    public var retryAfterSeconds: Int
    /// Claims of one task before a restart reports it `interrupted` instead of running it again.
    public var maxAttempts: Int
    public var dailyBudgetUSD: Double?
    /// What a task without `budget_usd` reserves (the policy's per-task USD budget).
    public var defaultTaskBudgetUSD: Double
    public var idempotencyWindowMS: Int64

    public init(
        maxQueued: Int = 1000, retryAfterSeconds: Int = 5, maxAttempts: Int = 3, dailyBudgetUSD: Double? = nil,
        defaultTaskBudgetUSD: Double = 2, idempotencyWindowMS: Int64 = 86_400_000
    ) {
        self.maxQueued = maxQueued
        self.retryAfterSeconds = retryAfterSeconds
        self.maxAttempts = maxAttempts
        self.dailyBudgetUSD = dailyBudgetUSD
        self.defaultTaskBudgetUSD = defaultTaskBudgetUSD
        self.idempotencyWindowMS = idempotencyWindowMS
    }
}

public enum QueueClock {
    @Sendable public static func now() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
}

extension APIError {
    /// 409: the first request with this key is still being created (here, or by another daemon).
    static let idempotencyInProgress = APIError(
        .conflict, code: "idempotency_in_progress",
        message: "a request with this Idempotency-Key is still being processed; retry once it has finished")
}
