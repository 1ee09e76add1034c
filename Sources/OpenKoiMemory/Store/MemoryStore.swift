import FoundationEssentials
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import OpenKoiCore

/// OpenKoi's memory database (`<data>/openkoi.db`): opened on first use, migrated on open, one
/// connection per store. An actor, so one process never interleaves two transactions on it;
/// another process (the daemon and a CLI run) is serialised by SQLite's write lock and busy timeout.
public actor MemoryStore {
    public nonisolated let path: String
    /// `[memory] learning_decay_rate`: confidence lost per week without use (applied when read).
    public nonisolated let decayRate: Double
    private var connection: SQLiteConnection?
    /// Vectors of one embedding model, kept between recalls (a daemon recalls for every task).
    var cachedIndex: (model: String, version: VectorVersion, stamp: ChangeStamp, index: VectorIndex)?
    let now: @Sendable () -> Date

    public init(path: String, decayRate: Double = 0.05, now: @escaping @Sendable () -> Date = { Date() }) {
        self.path = path
        self.decayRate = decayRate
        self.now = now
    }

    /// The open, migrated connection.
    func db() throws(StoreError) -> SQLiteConnection {
        if let connection { return connection }
        let opened = try openedConnection()
        try Migrator.migrate(opened)
        connection = opened
        return opened
    }

    /// The connection, opening it (and making its directory, 0700: it holds task text) if needed.
    private func openedConnection() throws(StoreError) -> SQLiteConnection {
        if let connection { return connection }
        return try Self.open(path: path)
    }

    /// A new connection to the database at `path`, its directory made (0700) if missing. The daemon's
    /// queue opens its own this way: one schema, one `openkoi migrate`.
    package static func open(path: String, migrate: Bool = false) throws(StoreError) -> SQLiteConnection {
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        if !directory.isEmpty {
            do {
                try AtomicFile.makeDirectories(directory)
            } catch {
                throw StoreError(.sqlite, path: path, message: "cannot create its directory: \(error.reason)")
            }
        }
        let connection = try SQLiteConnection(path: path)
        if migrate { try Migrator.migrate(connection) }
        return connection
    }

    /// Runs `body` on the store's connection, inside the actor (reports and tests read rows this way).
    func read<T: Sendable>(_ body: @Sendable (SQLiteConnection) throws(StoreError) -> T) throws(StoreError) -> T {
        try body(db())
    }

    /// Applies pending migrations; returns the ones applied now and every one recorded.
    public func migrate() throws(StoreError) -> (applied: [AppliedMigration], all: [AppliedMigration]) {
        let opened = try openedConnection()
        let applied = try Migrator.migrate(opened)
        connection = opened
        return (applied.map(AppliedMigration.init), try Migrator.recorded(opened).map(AppliedMigration.init))
    }

    /// The recorded migrations without applying any (an absent file is not created).
    public func migrationStatus() throws(StoreError) -> [AppliedMigration] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let opened = try openedConnection()
        try Migrator.check(opened)
        return try Migrator.recorded(opened).map(AppliedMigration.init)
    }

    public static var latestSchemaVersion: Int { Migration.latest }
    public static var knownMigrations: [(version: Int, name: String)] { Migration.all.map { ($0.version, $0.name) } }

    /// Confidence after decay since the lesson was last used: computed from the elapsed time each
    /// time it is read, never written back, so running often does not compound it.
    func effectiveConfidence(_ stored: Double, lastUsed: String?, created: String?) -> Double {
        guard decayRate > 0, let since = (lastUsed ?? created).flatMap(Timestamp.date) else { return stored }
        let weeks = max(0, now().timeIntervalSince(since)) / (7 * 86_400)
        return stored * exp(-decayRate * weeks)
    }
}

/// A row of `_migrations`.
public struct AppliedMigration: Sendable, Hashable {
    public var version: Int
    public var name: String
    public var appliedAt: String

    init(_ applied: Migrator.Applied) {
        version = applied.version
        name = applied.name
        appliedAt = applied.appliedAt
    }
}
