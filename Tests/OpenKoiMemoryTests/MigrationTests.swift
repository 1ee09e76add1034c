import FoundationEssentials
import OpenKoiCore
import Testing

@testable import OpenKoiMemory

struct MigrationTests {
    @Test func aNewDatabaseGetsEveryMigrationOnceAndASecondRunIsANoOp() async throws {
        let dir = try TemporaryDirectory()
        let store = MemoryStore(path: dir.path + "/openkoi.db")
        let first = try await store.migrate()
        #expect(first.applied.map(\.version) == MemoryStore.knownMigrations.map(\.version))
        #expect(
            first.all.map(\.name) == [
                "initial_schema", "vector_search", "recorded_runs", "hybrid_recall", "pattern_mining", "phase_costs",
                "task_queue",
                "bench_runs",
            ])
        let second = try await MemoryStore(path: dir.path + "/openkoi.db").migrate()
        #expect(second.applied.isEmpty)
        #expect(second.all == first.all)
    }
}

struct MigrationUpgradeTests {
    /// A database left at each earlier version (v1 and v2 are the original tool's) upgrades in place,
    /// keeping its rows, and what it held becomes recallable.
    @Test func everyEarlierVersionUpgradesKeepingItsRows() async throws {
        for version in 1..<Migration.latest {
            let dir = try TemporaryDirectory()
            let path = dir.path + "/openkoi.db"
            do {
                let db = try SQLiteConnection(path: path)
                try Migrator.migrate(db, migrations: Array(Migration.all.prefix(version)))
                try db.execute(
                    """
                    INSERT INTO tasks(id, description, created_at)
                        VALUES ('old-task', 'Tune the nginx_upstream timeouts', '2026-01-05T10:00:00Z');
                    INSERT INTO learnings(id, type, content, confidence, created_at)
                        VALUES ('old-lesson', 'heuristic', 'Raise nginx_upstream keepalive before the timeout', 0.8,
                            '2026-01-05T10:00:00Z');
                    """)
            }
            let store = MemoryStore(path: path, decayRate: 0)
            let migrated = try await store.migrate()
            #expect(migrated.applied.map(\.version) == Array((version + 1)...Migration.latest), "from v\(version)")
            // From v4 on, rows are written with their recall chunks (by the store), so only the
            // older databases' rows are backfilled by a migration.
            guard version < 4 else { continue }
            let memory = LongTermMemory(store: store, embedder: nil, session: SessionInfo(channel: "cli"))
            let recalled = await memory.recall(for: TaskSpec(description: "nginx_upstream returns 504"))
            #expect(recalled.lessons.map(\.id) == ["old-lesson"], "from v\(version)")
            #expect(recalled.similarTasks.map(\.id) == ["old-task"], "from v\(version)")
        }
    }

    @Test func aDamagedDatabaseIsAnErrorNamingTheFile() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path + "/openkoi.db"
        _ = try await MemoryStore(path: path).migrate()
        // Overwrite everything after the 100-byte header: the schema pages are garbage now.
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        for index in 100..<bytes.count { bytes[index] = UInt8(truncatingIfNeeded: index &* 31) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        try? FileManager.default.removeItem(atPath: path + "-wal")
        try? FileManager.default.removeItem(atPath: path + "-shm")
        do {
            _ = try await MemoryStore(path: path).summary()
            Issue.record("a damaged database must not open")
        } catch {
            #expect(error.path == path)
            #expect(error.description.hasPrefix(path + ": "))
        }
    }
}

struct PatternMiningMigrationTests {
    @Test func duplicatePatternsOfAnOlderDatabaseCollapseToTheReviewedOne() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path + "/openkoi.db"
        do {
            let db = try SQLiteConnection(path: path)
            try Migrator.migrate(db, migrations: Array(Migration.all.prefix(4)))
            try db.execute(
                """
                INSERT INTO usage_patterns(id, pattern_type, description, confidence, sample_count, status) VALUES
                    ('a', 'time_based', 'Tasks concentrated at 09:00', 0.7, 3, 'detected'),
                    ('b', 'time_based', 'Tasks concentrated at 09:00', 0.8, 4, 'dismissed'),
                    ('c', 'time_based', 'Tasks concentrated at 09:00', 0.9, 5, 'detected'),
                    ('d', 'recurring', 'code tasks', 0.9, 5, NULL)
                """)
        }
        let store = MemoryStore(path: path)
        #expect(
            try await store.migrate().applied.map(\.name) == [
                "pattern_mining", "phase_costs", "task_queue", "bench_runs",
            ])
        let rows = try await store.patterns(includingDismissed: true)
        #expect(rows.map(\.id).sorted() == ["b", "d"])
        #expect(rows.first { $0.id == "b" }?.status == .dismissed)
        #expect(rows.first { $0.id == "d" }?.status == .detected)
    }
}
