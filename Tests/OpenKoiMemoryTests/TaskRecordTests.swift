import FoundationEssentials
import OpenKoiCore
import Testing

@testable import OpenKoiMemory

struct TaskRecordTests {
    @Test func aRunLeavesItsTaskIterationsFindingsUsageAndSkillRows() async throws {
        let dir = try TemporaryDirectory()
        let store = MemoryStore(path: dir.path + "/openkoi.db")
        let fix = "convert with int() inside try and report the bad value"
        let outcome = Outcomes.outcome(
            id: "task-1", task: "Add input validation to parse_port in server.py",
            iterations: [
                Outcomes.iteration(1, score: 0.5, findings: [Outcomes.finding("No validation of the port", fix: fix)]),
                Outcomes.iteration(2, score: 0.9, decision: .accept),
            ], decision: .accept)
        let report = try await store.record(outcome, session: SessionInfo(id: "s1", channel: "cli"), vectors: nil)
        #expect(report.recorded && report.error == nil)

        try await store.read { db throws(StoreError) in
            let task = try db.prepare(
                "SELECT status, final_score, iterations, decision, model, session_id, category, total_cost_usd "
                    + "FROM tasks WHERE id = 'task-1'"
            ).rows {
                ($0.text(0), $0.double(1), $0.int(2), $0.text(3), $0.text(4), $0.text(5), $0.text(6), $0.double(7))
            }
            #expect(task.count == 1)
            #expect(
                task.first?.0 == "accepted" && task.first?.1 == 0.9 && task.first?.2 == 2 && task.first?.3 == "accept")
            #expect(task.first?.4 == "local/test-model" && task.first?.5 == "s1" && task.first?.6 == "code")
            let cycles = try db.prepare(
                "SELECT iteration, score, input_tokens, output_tokens, duration_ms, cost_usd FROM iteration_cycles "
                    + "WHERE task_id = 'task-1' ORDER BY iteration"
            ).rows { ($0.int(0), $0.double(1), $0.int(2), $0.int(3), $0.int(4), $0.double(5)) }
            #expect(cycles.map(\.0) == [1, 2])
            #expect(cycles.map(\.1) == [0.5, 0.9])
            #expect(cycles.map(\.2) == [100, 200] && cycles.map(\.3) == [10, 20] && cycles.map(\.4) == [1000, 2000])
            let findings = try db.prepare("SELECT severity, title, fix, cycle_id, resolved_in FROM findings").rows {
                ($0.text(0), $0.text(1), $0.text(2), $0.text(3), $0.optionalText(4))
            }
            #expect(findings.count == 1)
            #expect(findings.first?.0 == "IMPORTANT" && findings.first?.1 == "No validation of the port")
            #expect(findings.first?.3 == "task-1#1" && findings.first?.4 == "task-1#2")
            let usage = try db.prepare(
                "SELECT event_type, channel, category, skills_used, score, day FROM usage_events"
            )
            .rows { ($0.text(0), $0.text(1), $0.text(2), $0.text(3), $0.double(4), $0.text(5)) }
            #expect(usage.count == 1 && usage.first?.0 == "task" && usage.first?.1 == "cli")
            #expect(usage.first?.3 == #"["code-review"]"# && usage.first?.4 == 0.9 && usage.first?.5.count == 10)
            let skill = try db.prepare(
                "SELECT avg_score, sample_count FROM skill_effectiveness "
                    + "WHERE skill_name = 'code-review' AND task_category = 'code'"
            )
            .rows { ($0.double(0), $0.int(1)) }
            #expect(skill.first?.0 == 0.9 && skill.first?.1 == 1)
            let session = try db.prepare("SELECT channel, total_tokens FROM sessions WHERE id = 's1'").rows {
                ($0.text(0), $0.int(1))
            }
            #expect(session.first?.0 == "cli" && session.first?.1 == 330)
        }
    }

    /// `status`'s activity lines, from one pass over the tasks: finished means accepted (or an
    /// older row with no status but a completion time); averages over the scored rows only.
    @Test func theSummaryCountsCompletedTasksAndAveragesTheScoredOnes() async throws {
        let dir = try TemporaryDirectory()
        let store = MemoryStore(path: dir.path + "/openkoi.db")
        try await store.read { db throws(StoreError) in
            try db.execute(
                """
                INSERT INTO tasks(id, description, status, final_score, iterations, created_at, completed_at) VALUES
                    ('a', 'accepted', 'accepted', 0.9, 2, '2026-12-01', '2026-12-01'),
                    ('b', 'failed', 'failed', 0.3, 3, '2026-12-01', '2026-12-01'),
                    ('c', 'stopped unscored', 'stopped', NULL, 1, '2026-12-01', '2026-12-01'),
                    ('d', 'from an older version', NULL, NULL, 4, '2026-12-01', '2026-12-01'),
                    ('e', 'best of three', 'accepted_best', NULL, 3, '2026-12-01', '2026-12-01');
                """)
        }
        let summary = try await store.summary()
        #expect(summary.tasks == 5)
        #expect(summary.completed == 3)
        #expect(abs((summary.averageScore ?? 0) - 0.6) < 1e-9)
        #expect(summary.averageIterations == 2.5)
        let empty = try await MemoryStore(path: dir.path + "/empty.db").summary()
        #expect(empty.tasks == 0 && empty.completed == 0 && empty.averageScore == nil && empty.averageIterations == nil)
    }

    @Test func anUnresolvedFindingKeepsNoResolver() async throws {
        let dir = try TemporaryDirectory()
        let store = MemoryStore(path: dir.path + "/openkoi.db")
        let blocker = Outcomes.finding("Crashes on empty input", severity: .blocker)
        let outcome = Outcomes.outcome(
            id: "t2", task: "Fix the crash in tokenizer.py",
            iterations: [
                Outcomes.iteration(1, score: 0.4, findings: [blocker]),
                Outcomes.iteration(2, score: 0.45, findings: [blocker], decision: .acceptBest),
            ], decision: .acceptBest)
        _ = try await store.record(outcome, session: SessionInfo(channel: "cli"), vectors: nil)
        let resolved = try await store.read { db throws(StoreError) in
            try db.prepare("SELECT resolved_in FROM findings ORDER BY cycle_id").rows { $0.optionalText(0) }
        }
        #expect(resolved == [nil, nil])
    }

    @Test func twoConnectionsWritingAtOnceLoseNothing() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path + "/openkoi.db"
        let stores = [MemoryStore(path: path), MemoryStore(path: path)]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, store) in stores.enumerated() {
                group.addTask {
                    for n in 0..<25 {
                        let outcome = Outcomes.outcome(
                            id: "w\(index)-\(n)", task: "task \(n) from writer \(index)",
                            iterations: [Outcomes.iteration(1, score: 0.9, decision: .accept)], decision: .accept,
                            lessons: [Lesson(kind: .heuristic, content: "lesson \(UUID().uuidString)", confidence: 0.6)]
                        )
                        _ = try await store.record(outcome, session: SessionInfo(channel: "cli"), vectors: nil)
                    }
                }
            }
            try await group.waitForAll()
        }
        let counts = try await stores[0].read { db throws(StoreError) in
            [
                try db.scalarInt("SELECT count(*) FROM tasks"),
                try db.scalarInt("SELECT count(*) FROM iteration_cycles"),
                try db.scalarInt("SELECT count(*) FROM learnings"), try db.scalarInt("SELECT count(*) FROM memory_fts"),
            ]
        }
        #expect(counts == [50, 50, 50, 100])
    }
}
