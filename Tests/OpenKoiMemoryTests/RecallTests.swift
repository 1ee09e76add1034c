import Foundation
import OpenKoiCore
import Testing

@testable import OpenKoiMemory

struct RecallTests {
    static let portLesson = Lesson(
        kind: .heuristic,
        content: "For tasks like parse_port: validate the port range 1-65535 before binding the socket",
        confidence: 0.7, category: "code")
    static let sqlLesson = Lesson(
        kind: .antiPattern, content: "Never build SQL queries by string concatenation; bind parameters instead",
        confidence: 0.7, category: "sql")

    func seeded(_ dir: TemporaryDirectory, embedder: (any TextEmbedder)? = nil) async throws -> LongTermMemory {
        let memory = LongTermMemory(
            store: MemoryStore(path: dir.path + "/openkoi.db"), embedder: embedder, session: SessionInfo(channel: "cli")
        )
        let first = Outcomes.outcome(
            id: "port-task", task: "Add input validation to parse_port in server.py",
            iterations: [Outcomes.iteration(1, score: 0.9, decision: .accept)], decision: .accept,
            lessons: [Self.portLesson])
        let second = Outcomes.outcome(
            id: "sql-task", task: "Write the query that lists overdue invoices from the billing database",
            iterations: [Outcomes.iteration(1, score: 0.8, decision: .accept)], decision: .accept,
            lessons: [Self.sqlLesson], category: "sql")
        #expect(await memory.learn(from: first).added.count == 1)
        #expect(await memory.learn(from: second).added.count == 1)
        return memory
    }

    @Test func keywordRecallFindsTheLessonForAnExactIdentifierAndNotTheUnrelatedOne() async throws {
        let dir = try TemporaryDirectory()
        let memory = try await seeded(dir)
        let recalled = await memory.recall(
            for: TaskSpec(description: "parse_port crashes when given a negative number"))
        #expect(recalled.lessons.map(\.lesson.content) == [Self.portLesson.content])
        #expect(recalled.similarTasks.map(\.id) == ["port-task"])
        #expect(recalled.method.hasPrefix("keywords"))

        let unrelated = await memory.recall(for: TaskSpec(description: "Summarise the history of the Roman empire"))
        #expect(unrelated.isEmpty)
    }

    @Test func hybridRecallUsesVectorsAndSaysSo() async throws {
        let dir = try TemporaryDirectory()
        let memory = try await seeded(dir, embedder: WordHashEmbedder())
        let recalled = await memory.recall(
            for: TaskSpec(description: "the billing database query for overdue invoices is slow"))
        #expect(recalled.lessons.first?.lesson.content == Self.sqlLesson.content)
        #expect(recalled.similarTasks.first?.id == "sql-task")
        #expect(recalled.method == "hybrid: keywords + test/word-hash")
        let stored = try await memory.store.read { db throws(StoreError) in
            try db.scalarInt("SELECT count(*) FROM memory_embeddings WHERE model = 'test/word-hash'")
        }
        #expect(stored == 4)  // two tasks, two lessons
    }

    /// The vectors stay in memory between recalls; a replaced vector (same count) and another
    /// connection's write (the daemon's, a CLI run's) are both seen by the next recall.
    @Test func recallSeesVectorsReplacedHereAndWrittenByAnotherConnection() async throws {
        let dir = try TemporaryDirectory()
        let store = try await seeded(dir).store
        let query = try await WordHashEmbedder().embed(["zebra quagga okapi"])[0]
        var far = [Float](repeating: 0, count: query.count)
        far[try #require(query.firstIndex(of: 0))] = 1
        func recalledTasks() async throws -> [String] {
            // Words that match nothing stored: whatever is found, the vectors found.
            try await store.recall(text: "zebra quagga okapi", vector: query, model: "m").compactMap { hit in
                if case .task(let task) = hit { task.id } else { nil }
            }
        }
        let chunks = ["task:port-task", "task:sql-task"]
        try await store.saveEmbeddings(chunks.map { (chunk: $0, vector: far) }, model: "m")
        #expect(try await recalledTasks().isEmpty)  // loaded and kept: nothing near the query

        try await store.saveEmbeddings([(chunk: chunks[1], vector: query)], model: "m")
        #expect(try await recalledTasks() == ["sql-task"])

        let other = MemoryStore(path: store.path)
        try await other.saveEmbeddings([(chunk: chunks[0], vector: query)], model: "m")
        #expect(try await recalledTasks().sorted() == ["port-task", "sql-task"])
    }

    @Test func aNearCopyOfALessonReinforcesTheStoredOne() async throws {
        let dir = try TemporaryDirectory()
        let memory = try await seeded(dir)
        var again = Self.portLesson
        again.content = "for tasks like parse_port: validate the port range 1-65535 before binding the socket!"
        let outcome = Outcomes.outcome(
            task: "Validate parse_port again", iterations: [Outcomes.iteration(1, score: 0.9, decision: .accept)],
            decision: .accept, lessons: [again])
        let report = await memory.learn(from: outcome)
        #expect(report.added.isEmpty && report.reinforced.count == 1)
        let learnings = try await memory.store.learnings()
        #expect(learnings.count == 2)
        let port = learnings.first { $0.lesson.content == Self.portLesson.content }
        #expect(port?.reinforced == 1)
        #expect(abs((port?.storedConfidence ?? 0) - 0.8) < 1e-6)
    }

    @Test func aRecalledLessonIsReinforcedWhenTheTaskPassesAndNotWhenItFails() async throws {
        let dir = try TemporaryDirectory()
        let memory = try await seeded(dir)
        let recalled = await memory.recall(for: TaskSpec(description: "parse_port rejects port 0"))
        #expect(recalled.lessons.count == 1)
        let failed = Outcomes.outcome(
            task: "parse_port rejects port 0", iterations: [Outcomes.iteration(1, score: 0.3, decision: .abortBudget)],
            decision: .abortBudget, recalled: recalled.lessons)
        #expect(await memory.learn(from: failed).reinforced.isEmpty)
        let passed = Outcomes.outcome(
            task: "parse_port rejects port 0", iterations: [Outcomes.iteration(1, score: 0.95, decision: .accept)],
            decision: .accept, recalled: recalled.lessons)
        #expect(await memory.learn(from: passed).reinforced == recalled.lessons.map(\.id))
    }

    @Test func decayComesFromElapsedTimeAndDoesNotCompoundAcrossRuns() async throws {
        let dir = try TemporaryDirectory()
        _ = try await seeded(dir)
        let tenWeeksLater = Date().addingTimeInterval(10 * 7 * 86_400)
        let expected = 0.7 * exp(-0.05 * 10)
        for _ in 0..<3 {
            // Each "run" opens the store again and reads (and records, which prunes) after ten weeks.
            let later = MemoryStore(path: dir.path + "/openkoi.db", decayRate: 0.05, now: { tenWeeksLater })
            let outcome = Outcomes.outcome(
                task: "unrelated chore", iterations: [Outcomes.iteration(1, score: 0.9, decision: .accept)],
                decision: .accept)
            _ = try await later.record(outcome, session: SessionInfo(channel: "cli"), vectors: nil)
            let confidences = try await later.learnings().map(\.lesson.confidence)
            #expect(confidences.count == 2)
            for value in confidences { #expect(abs(value - expected) < 0.001) }
        }
    }

    @Test func aLessonThatDecayedBelowTheFloorIsForgotten() async throws {
        let dir = try TemporaryDirectory()
        _ = try await seeded(dir)
        let muchLater = Date().addingTimeInterval(60 * 7 * 86_400)  // 0.7·e^(−3) ≈ 0.035
        let later = MemoryStore(path: dir.path + "/openkoi.db", decayRate: 0.05, now: { muchLater })
        let outcome = Outcomes.outcome(
            task: "chore", iterations: [Outcomes.iteration(1, score: 0.9, decision: .accept)], decision: .accept)
        _ = try await later.record(outcome, session: SessionInfo(channel: "cli"), vectors: nil)
        #expect(try await later.learnings().isEmpty)
        let chunks = try await later.read { db throws(StoreError) in
            try db.scalarInt("SELECT count(*) FROM memory_chunks WHERE kind = 'learning'")
        }
        #expect(chunks == 0)
    }
}
