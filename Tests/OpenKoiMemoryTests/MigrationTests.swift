import FoundationEssentials
import Testing

@testable import OpenKoiMemory

struct MigrationTests {
    @Test func aNewDatabaseGetsEveryMigrationOnceAndASecondRunIsANoOp() async throws {
        let dir = try TemporaryDirectory()
        let store = MemoryStore(path: dir.path + "/openkoi.db")
        let first = try await store.migrate()
        #expect(first.applied.map(\.version) == MemoryStore.knownMigrations.map(\.version))
        #expect(first.all.map(\.name) == ["initial_schema", "vector_search", "recorded_runs", "hybrid_recall"])
        let second = try await MemoryStore(path: dir.path + "/openkoi.db").migrate()
        #expect(second.applied.isEmpty)
        #expect(second.all == first.all)
    }
}
