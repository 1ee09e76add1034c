import OpenKoiCore
import OpenKoiMemory

/// The queue on a PostgreSQL server several daemons share (`[daemon] queue = "postgres://…"`).
/// Claims skip rows another daemon has locked (`FOR UPDATE SKIP LOCKED`); what one daemon commits
/// reaches the others' workers and event streams through `NOTIFY` on `channel`.
final class PostgresQueueDatabase: QueueDatabase {
    static let channel = "openkoi_queue"
    let connection: PostgresConnection
    let dialect = QueueDialect.postgres
    /// `?` placeholders rewritten to `$1`…, once per statement text.
    private var rewritten: [String: String] = [:]

    init(url: String) throws(StoreError) {
        connection = try PostgresConnection(url: url)
        try migrate()
    }

    var changes: Int { connection.changes }

    func run(_ sql: String, _ values: [SQLValue]) throws(StoreError) {
        _ = try connection.query(placeholders(sql), values) { _ in () }
    }

    func rows<T>(_ sql: String, _ values: [SQLValue], _ read: (any QueueRow) throws(StoreError) -> T)
        throws(StoreError) -> [T]
    {
        try connection.query(placeholders(sql), values) { (row: PostgresRow) throws(StoreError) -> T in
            try read(row)
        }
    }

    func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try connection.execute("BEGIN")
        do throws(StoreError) {
            let value = try body()
            try connection.execute("COMMIT")
            return value
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    func announce(_ key: String) throws(StoreError) {
        try run("SELECT pg_notify('\(Self.channel)', ?)", [.text(key)])
    }

    /// `?` outside quotes becomes `$n`.
    func placeholders(_ sql: String) -> String {
        if let done = rewritten[sql] { return done }
        var result = ""
        var number = 0
        var quoted = false
        for character in sql {
            if character == "'" { quoted.toggle() }
            if character == "?" && !quoted {
                number += 1
                result += "$\(number)"
            } else {
                result.append(character)
            }
        }
        rewritten[sql] = result
        return result
    }

    /// The queue's tables, created once per database; an advisory lock keeps two daemons starting
    /// together from racing. The same columns as the SQLite migration, `rowid` made explicit.
    private func migrate() throws(StoreError) {
        try connection.execute("SELECT pg_advisory_lock(7274917)")
        defer { try? connection.execute("SELECT pg_advisory_unlock(7274917)") }
        try connection.execute(Self.schema)
    }

    static let schema = """
        CREATE TABLE IF NOT EXISTS queue_tasks (
            id TEXT PRIMARY KEY,
            description TEXT NOT NULL,
            request TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts BIGINT NOT NULL DEFAULT 0,
            fence BIGINT NOT NULL DEFAULT 0,
            lease_owner TEXT,
            lease_expires_ms BIGINT,
            reserved_usd DOUBLE PRECISION NOT NULL DEFAULT 0,
            queued_ms BIGINT NOT NULL,
            running_ms BIGINT,
            cancelling_ms BIGINT,
            finished_ms BIGINT,
            output TEXT,
            score DOUBLE PRECISION,
            iterations BIGINT NOT NULL DEFAULT 0,
            input_tokens BIGINT NOT NULL DEFAULT 0,
            output_tokens BIGINT NOT NULL DEFAULT 0,
            cost_usd DOUBLE PRECISION NOT NULL DEFAULT 0,
            model TEXT,
            decision TEXT,
            error TEXT,
            iteration_scores TEXT NOT NULL DEFAULT '[]',
            rowid BIGSERIAL UNIQUE
        );
        CREATE INDEX IF NOT EXISTS idx_queue_tasks_status ON queue_tasks(status, queued_ms);
        CREATE TABLE IF NOT EXISTS queue_events (
            task_id TEXT NOT NULL REFERENCES queue_tasks(id) ON DELETE CASCADE,
            seq BIGINT NOT NULL,
            kind TEXT NOT NULL,
            data TEXT NOT NULL,
            created_ms BIGINT NOT NULL,
            PRIMARY KEY (task_id, seq)
        );
        CREATE TABLE IF NOT EXISTS queue_idempotency (
            key TEXT PRIMARY KEY,
            body_hash TEXT NOT NULL,
            task_id TEXT NOT NULL,
            created_ms BIGINT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS idx_queue_idempotency_created ON queue_idempotency(created_ms);
        CREATE TABLE IF NOT EXISTS webhook_outbox (
            id TEXT PRIMARY KEY,
            event TEXT NOT NULL,
            url TEXT NOT NULL,
            body TEXT NOT NULL,
            attempts BIGINT NOT NULL DEFAULT 0,
            next_attempt_ms BIGINT NOT NULL,
            delivered_ms BIGINT,
            failed_ms BIGINT,
            last_error TEXT,
            created_ms BIGINT NOT NULL,
            rowid BIGSERIAL UNIQUE
        );
        CREATE INDEX IF NOT EXISTS idx_webhook_outbox_due ON webhook_outbox(delivered_ms, failed_ms, next_attempt_ms);
        """
}
