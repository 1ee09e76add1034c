import FoundationEssentials
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
                "initial_schema", "vector_search", "recorded_runs", "hybrid_recall", "pattern_mining",
            ])
        let second = try await MemoryStore(path: dir.path + "/openkoi.db").migrate()
        #expect(second.applied.isEmpty)
        #expect(second.all == first.all)
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
        #expect(try await store.migrate().applied.map(\.name) == ["pattern_mining"])
        let rows = try await store.patterns(includingDismissed: true)
        #expect(rows.map(\.id).sorted() == ["b", "d"])
        #expect(rows.first { $0.id == "b" }?.status == .dismissed)
        #expect(rows.first { $0.id == "d" }?.status == .detected)
    }
}
