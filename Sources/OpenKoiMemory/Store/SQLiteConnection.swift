import CSQLite

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One SQLite connection. Not thread-safe: `MemoryStore` owns each one and serialises its use.
///
/// Opened with WAL (the CLI and a daemon read while the other writes), foreign keys on, and a
/// busy timeout, so a second process waits for a writer instead of failing.
package final class SQLiteConnection {
    package let path: String
    private var handle: OpaquePointer?
    private var statements: [String: Statement] = [:]

    /// - Parameter busyTimeoutMS: how long a write waits for another process's transaction.
    package init(path: String, busyTimeoutMS: Int32 = 10_000) throws(StoreError) {
        self.path = path
        var db: OpaquePointer?
        let existed = access(path, F_OK) == 0
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let result = sqlite3_open_v2(path, &db, flags, nil)
        handle = db
        guard result == SQLITE_OK else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close_v2(db)
            handle = nil
            throw StoreError(.sqlite, path: path, message: "cannot open the database: \(message)", code: result)
        }
        // It holds task text and answers: only the user reads it (SQLite gives its -wal and -shm
        // files the database's mode).
        if !existed { chmod(path, 0o600) }
        sqlite3_busy_timeout(db, busyTimeoutMS)
        sqlite3_extended_result_codes(db, 1)
        do throws(StoreError) {
            // The first read of the file: a file that is not SQLite fails here.
            try execute("PRAGMA foreign_keys = ON")
            // Only takes effect before the first table: a new database can shrink when
            // `[memory] max_storage_mb` trims it.
            if !existed { try execute("PRAGMA auto_vacuum = INCREMENTAL") }
            let mode = try scalarText("PRAGMA journal_mode = WAL")
            if mode?.lowercased() != "wal" {
                throw StoreError(
                    .sqlite, path: path, message: "cannot switch the database to WAL (mode \(mode ?? "?"))")
            }
            try execute("PRAGMA synchronous = NORMAL")
        } catch {
            if error.code.map({ $0 & 0xff == SQLITE_NOTADB }) == true {
                throw StoreError(
                    .foreign, path: path,
                    message:
                        "not a SQLite database (is it another program's file?); move it aside and run `openkoi migrate`",
                    code: error.code)
            }
            throw error
        }
    }

    deinit {
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs statements without results (several, separated by `;`).
    package func execute(_ sql: String) throws(StoreError) {
        var message: UnsafeMutablePointer<CChar>?
        let result = sqlite3_exec(handle, sql, nil, nil, &message)
        guard result == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? lastError
            sqlite3_free(message)
            throw StoreError(.sqlite, path: path, message: text, code: result)
        }
    }

    package func prepare(_ sql: String) throws(StoreError) -> Statement {
        var statement: OpaquePointer?
        let result = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard result == SQLITE_OK, let statement else {
            throw StoreError(.sqlite, path: path, message: "\(lastError) (in: \(sql.prefix(80)))", code: result)
        }
        return Statement(statement, connection: self)
    }

    /// A prepared statement kept for reuse (hot paths such as the daemon's enqueue prepare the same
    /// few statements thousands of times). Use it with `run` or `rows`, which reset it when done.
    package func cached(_ sql: String) throws(StoreError) -> Statement {
        if let statement = statements[sql] { return statement }
        let statement = try prepare(sql)
        statements[sql] = statement
        return statement
    }

    /// Runs `body` in one transaction: committed if it returns, rolled back if it throws.
    /// `BEGIN IMMEDIATE` takes the write lock up front, so two writers queue on the busy timeout
    /// instead of one failing with SQLITE_BUSY at its first write.
    package func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try execute("BEGIN IMMEDIATE")
        do throws(StoreError) {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    package func scalarText(_ sql: String) throws(StoreError) -> String? {
        let statement = try prepare(sql)
        return try statement.step() ? statement.text(0) : nil
    }

    package func scalarInt(_ sql: String, _ values: [SQLValue] = []) throws(StoreError) -> Int64? {
        let statement = try prepare(sql)
        try statement.bind(values)
        return try statement.step() ? statement.optionalInt(0) : nil
    }

    package var changes: Int { Int(sqlite3_changes(handle)) }

    /// Changes when anyone writes the database: `data_version` counts other connections' commits,
    /// `total_changes` this one's rows. Equal stamps mean nothing was written in between.
    package func changeStamp() throws(StoreError) -> ChangeStamp {
        let version = try cached("PRAGMA data_version").rows { $0.int(0) }.first ?? 0
        return ChangeStamp(dataVersion: version, ownChanges: sqlite3_total_changes64(handle))
    }

    package var lastError: String { handle.map { String(cString: sqlite3_errmsg($0)) } ?? "database closed" }

    package func error(_ code: Int32) -> StoreError { StoreError(.sqlite, path: path, message: lastError, code: code) }
}

/// See `SQLiteConnection.changeStamp()`.
package struct ChangeStamp: Sendable, Equatable {
    let dataVersion: Int64
    let ownChanges: Int64
}
