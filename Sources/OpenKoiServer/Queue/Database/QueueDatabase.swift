import OpenKoiMemory

/// A row of a query's result, read by column index.
protocol QueueRow {
    func isNull(_ column: Int32) -> Bool
    func int(_ column: Int32) -> Int64
    func double(_ column: Int32) -> Double
    func text(_ column: Int32) -> String
}

extension QueueRow {
    func optionalInt(_ column: Int32) -> Int64? { isNull(column) ? nil : int(column) }
    func optionalDouble(_ column: Int32) -> Double? { isNull(column) ? nil : double(column) }
    func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }
}

extension Statement: QueueRow {}

/// Where the queue keeps its tables: the data dir's SQLite file (one daemon), or a PostgreSQL server
/// that several daemons share. The queue writes one SQL for both — `?` placeholders, `rowid` as the
/// insertion order — and asks the dialect for the few phrases that differ.
protocol QueueDatabase: AnyObject {
    var dialect: QueueDialect { get }
    /// Runs a statement without results.
    func run(_ sql: String, _ values: [SQLValue]) throws(StoreError)
    func rows<T>(_ sql: String, _ values: [SQLValue], _ read: (any QueueRow) throws(StoreError) -> T)
        throws(StoreError) -> [T]
    /// Rows the last `run` inserted, changed or deleted.
    var changes: Int { get }
    /// Committed if `body` returns, rolled back if it throws; writers are serialised.
    func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T
    /// Inside a transaction: tells every daemon on this database, once it commits, that `key`
    /// changed (its `EventSignal` key). Nothing to do when only this process uses the database.
    func announce(_ key: String) throws(StoreError)
}

extension QueueDatabase {
    func rows<T>(_ sql: String, _ read: (any QueueRow) throws(StoreError) -> T) throws(StoreError) -> [T] {
        try rows(sql, [], read)
    }

    func scalarInt(_ sql: String, _ values: [SQLValue] = []) throws(StoreError) -> Int64? {
        try rows(sql, values) { $0.optionalInt(0) }.first ?? nil
    }
}

/// The phrases the queue's SQL spells differently per engine.
struct QueueDialect: Sendable {
    /// Appended to the claim's SELECT so concurrent claimers skip each other's row.
    var skipLocked: String
    /// The larger of two values (SQLite's two-argument `max`, PostgreSQL's `greatest`).
    var greatest: String
    /// The UTC day (YYYY-MM-DD) of a column holding Unix milliseconds.
    var day: @Sendable (_ column: String) -> String
    /// Locks the task's row for the rest of the transaction (PostgreSQL: event numbers per task are
    /// taken one writer at a time); SQLite's write lock already covers it.
    var lockTask: String?

    static let sqlite = QueueDialect(
        skipLocked: "", greatest: "max", day: { "strftime('%Y-%m-%d', \($0) / 1000, 'unixepoch')" }, lockTask: nil)
    static let postgres = QueueDialect(
        skipLocked: " FOR UPDATE SKIP LOCKED", greatest: "greatest",
        day: { "to_char(to_timestamp(\($0) / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD')" },
        lockTask: "SELECT 1 FROM queue_tasks WHERE id = ? FOR UPDATE")
}

/// The data dir's SQLite database (`openkoi.db`, WAL, every commit fsynced).
final class SQLiteQueueDatabase: QueueDatabase {
    let connection: SQLiteConnection
    let dialect = QueueDialect.sqlite

    init(path: String) throws(StoreError) {
        let opened = try MemoryStore.open(path: path, migrate: true)
        // The queue's promise is durability: every commit reaches the disk before it is acknowledged.
        try opened.execute("PRAGMA synchronous = FULL")
        connection = opened
    }

    func run(_ sql: String, _ values: [SQLValue]) throws(StoreError) { try connection.cached(sql).run(values) }

    func rows<T>(_ sql: String, _ values: [SQLValue], _ read: (any QueueRow) throws(StoreError) -> T)
        throws(StoreError) -> [T]
    {
        try connection.cached(sql).rows(values) { (row: Statement) throws(StoreError) -> T in try read(row) }
    }

    var changes: Int { connection.changes }

    func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try connection.transaction(body)
    }

    func announce(_ key: String) throws(StoreError) {}
}
