/// Brings a database to the schema this build knows, or refuses it without touching it.
enum Migrator {
    struct Applied: Sendable, Hashable {
        var version: Int
        var name: String
        var appliedAt: String
    }

    /// Applies the pending migrations; returns the ones it applied.
    /// - Throws: `.newerSchema` for a database from a newer OpenKoi, `.foreign` for another
    ///   program's database (tables but no `_migrations`). Neither is written to.
    @discardableResult
    static func migrate(_ db: SQLiteConnection, migrations: [Migration] = Migration.all) throws(StoreError) -> [Applied]
    {
        try check(db, migrations: migrations)
        try db.execute(
            """
            CREATE TABLE IF NOT EXISTS _migrations (
                version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT DEFAULT (datetime('now')))
            """)
        var applied: [Applied] = []
        for migration in migrations {
            // Checked inside the write transaction: two processes opening a new database at once
            // must not both apply it.
            let done = try db.transaction { () throws(StoreError) -> Applied? in
                let present = try db.scalarInt(
                    "SELECT count(*) FROM _migrations WHERE version = ?", [.int(Int64(migration.version))])
                guard present == 0 else { return nil }
                do throws(StoreError) {
                    try db.execute(migration.sql)
                } catch {
                    throw StoreError(
                        .sqlite, path: db.path,
                        message: "migration v\(migration.version) \(migration.name) failed: \(error.message)",
                        code: error.code)
                }
                let stamp = Timestamp.now()
                try db.prepare("INSERT INTO _migrations(version, name, applied_at) VALUES (?, ?, ?)").run([
                    .int(Int64(migration.version)), .text(migration.name), .text(stamp),
                ])
                return Applied(version: migration.version, name: migration.name, appliedAt: stamp)
            }
            if let done { applied.append(done) }
        }
        return applied
    }

    /// The migrations recorded in the database, oldest first (empty for a new file).
    static func recorded(_ db: SQLiteConnection) throws(StoreError) -> [Applied] {
        guard try tableExists(db, "_migrations") else { return [] }
        return try db.prepare(
            "SELECT version, coalesce(name, ''), coalesce(applied_at, '') FROM _migrations ORDER BY version"
        )
        .rows { row in Applied(version: Int(row.int(0)), name: row.text(1), appliedAt: row.text(2)) }
    }

    static func check(_ db: SQLiteConnection, migrations: [Migration] = Migration.all) throws(StoreError) {
        let latest = migrations.last?.version ?? 0
        if try tableExists(db, "_migrations") {
            let newest = Int(try db.scalarInt("SELECT coalesce(max(version), 0) FROM _migrations") ?? 0)
            if newest > latest {
                throw StoreError(
                    .newerSchema, path: db.path,
                    message:
                        "written by a newer openkoi (schema v\(newest); this build knows up to v\(latest)). "
                        + "Upgrade openkoi; the database was left untouched.")
            }
            return
        }
        let tables = try db.scalarInt("SELECT count(*) FROM sqlite_master WHERE type = 'table'") ?? 0
        if tables > 0 {
            throw StoreError(
                .foreign, path: db.path,
                message:
                    "a SQLite database without OpenKoi's _migrations table (another program's file?); "
                    + "it was left untouched: move it aside or set OPENKOI_DATA to another directory")
        }
    }

    static func tableExists(_ db: SQLiteConnection, _ name: String) throws(StoreError) -> Bool {
        try db.scalarInt("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", [.text(name)]) ?? 0 > 0
    }
}
