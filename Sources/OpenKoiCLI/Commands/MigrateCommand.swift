import ArgumentParser
import OpenKoiCore
import OpenKoiMemory

/// `openkoi migrate [--status]`: brings `<data>/openkoi.db` to this build's schema (a database
/// from a newer OpenKoi, or another program's file, is refused and left untouched).
struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply pending database migrations (--status: only show them).")

    @Flag(help: "Show the schema version and applied migrations without changing anything.")
    var status = false

    @Option(help: "Config file to load instead of ~/.openkoi/config.toml.")
    var config: String?

    func run() throws {
        let session = try reportingCLIErrors { try Session(options: .forConfig(config)) }
        try Self.migrate(session: session, statusOnly: status)
    }

    /// Shared with `openkoi setup --migrate`.
    static func migrate(session: Session, statusOnly: Bool) throws {
        let store = MemoryStore(path: session.paths.dbFile)
        let outcome = BlockingRunner.storeWork(path: session.paths.dbFile) {
            () async throws -> ([AppliedMigration], [AppliedMigration]) in
            if statusOnly { return ([], try await store.migrationStatus()) }
            try session.paths.ensureDirectories()
            return try await store.migrate()
        }
        switch outcome {
        case .failure(let error): throw reportedError(error.description)
        case .success(let (applied, all)):
            StandardStreams.out(report(path: session.paths.dbFile, applied: applied, all: all, statusOnly: statusOnly))
        }
    }

    static func report(path: String, applied: [AppliedMigration], all: [AppliedMigration], statusOnly: Bool) -> String {
        var text = ""
        if !statusOnly {
            text += applied.isEmpty ? "Database is up to date.\n" : "Applied \(applied.count) migration(s).\n"
            for migration in applied { text += "  + v\(migration.version) \(migration.name)\n" }
        }
        let version = all.last?.version ?? 0
        text += "Database: \(path)\n"
        text += "Schema version: \(version) (this build: \(MemoryStore.latestSchemaVersion))\n"
        text += "Applied migrations:\n"
        if all.isEmpty { text += "  (none)\n" }
        for migration in all { text += "  v\(migration.version) \(migration.name)  \(migration.appliedAt)\n" }
        let recorded = Set(all.map(\.version))
        let pending = MemoryStore.knownMigrations.filter { !recorded.contains($0.version) }
        if !pending.isEmpty {
            text += "Pending migrations:\n"
            for migration in pending { text += "  v\(migration.version) \(migration.name)\n" }
        }
        return text
    }
}
