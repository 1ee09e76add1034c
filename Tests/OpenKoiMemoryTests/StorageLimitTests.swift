import FoundationEssentials
import OpenKoiCore
import Testing

@testable import OpenKoiMemory

struct StorageLimitTests {
    @Test func theDatabaseStaysWithinMaxStorageAndKeepsLessonsAndRecentTasks() async throws {
        let dir = try TemporaryDirectory()
        let clock = LockedValue(Date(timeIntervalSince1970: 1_800_000_000))
        let store = MemoryStore(path: dir.path + "/openkoi.db", decayRate: 0, now: { clock.value })
        let answer = String(repeating: "a long answer line\n", count: 1_000)  // 19 KB per task
        for n in 0..<150 {
            var outcome = Outcomes.outcome(
                id: "t\(n)", task: "task number \(n)",
                iterations: [Outcomes.iteration(1, score: 0.6), Outcomes.iteration(2, score: 0.9, decision: .accept)],
                decision: .accept,
                lessons: n % 10 == 0
                    ? [Lesson(kind: .heuristic, content: "lesson \(UUID().uuidString)", confidence: 0.7)] : [])
            outcome.result.output = answer
            _ = try await store.record(outcome, session: SessionInfo(channel: "cli"), vectors: nil)
            try await store.enforceLimit(megabytes: 1)
            clock.withLock { $0 = $0.addingTimeInterval(3_600) }
        }
        let used = try await store.usedBytes()
        #expect(used <= 1_048_576, "\(used) bytes")
        let rows = try await store.read { db throws(StoreError) in
            (
                try db.scalarInt("SELECT count(*) FROM tasks"), try db.scalarInt("SELECT count(*) FROM learnings"),
                try db.scalarInt("SELECT length(output) FROM tasks WHERE id = 't149'"),
                try db.scalarInt("SELECT length(output) FROM tasks WHERE id = 't0'"),
                try db.scalarInt("SELECT count(*) FROM iteration_cycles WHERE task_id = 't149'")
            )
        }
        #expect(rows.0 == 150, "every task row is kept")
        #expect(rows.1 == 15, "every lesson is kept")
        #expect(rows.2 == Int64(answer.utf8.count), "the newest answer is whole")
        #expect(rows.3 == 400, "the oldest answer keeps its start for recall")
        #expect(rows.4 == 2)
    }

    @Test func noLimitTrimsNothing() async throws {
        let dir = try TemporaryDirectory()
        let store = MemoryStore(path: dir.path + "/openkoi.db")
        _ = try await store.record(
            Outcomes.outcome(task: "t", iterations: [Outcomes.iteration(1, score: 0.9)], decision: .accept),
            session: SessionInfo(channel: "cli"), vectors: nil)
        #expect(try await store.enforceLimit(megabytes: 0) == 0)
    }
}
