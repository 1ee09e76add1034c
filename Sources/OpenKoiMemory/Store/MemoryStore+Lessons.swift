import FoundationEssentials
import OpenKoiCore

/// A stored learning as read back.
public struct StoredLearning: Sendable, Hashable {
    public var id: String
    public var lesson: Lesson
    /// Confidence as stored (at the last reinforcement); `lesson.confidence` is the decayed one.
    public var storedConfidence: Double
    public var reinforced: Int
    public var sourceTask: String?
    public var createdAt: String
    public var lastUsed: String?
}

extension MemoryStore {
    /// Deletes lessons whose confidence has decayed below `forgetBelow` (computed from elapsed time).
    func forgetFaded(_ db: SQLiteConnection) throws(StoreError) {
        let rows = try db.prepare("SELECT id, confidence, last_used, created_at FROM learnings").rows { row in
            (row.text(0), row.double(1), row.optionalText(2), row.optionalText(3))
        }
        let delete = try db.prepare("DELETE FROM learnings WHERE id = ?")
        for (id, confidence, lastUsed, created) in rows
        where effectiveConfidence(confidence, lastUsed: lastUsed, created: created) < Self.forgetBelow {
            try delete.run([.text(id)])
        }
    }

    /// Raises a lesson's confidence from its decayed value by `amount` and restarts its decay.
    func reinforce(_ db: SQLiteConnection, id: String, by amount: Double, at now: String) throws(StoreError) -> Bool {
        let statement = try db.prepare("SELECT confidence, last_used, created_at FROM learnings WHERE id = ?")
        try statement.bind([.text(id)])
        guard try statement.step() else { return false }
        let current = effectiveConfidence(
            statement.double(0), lastUsed: statement.optionalText(1), created: statement.optionalText(2))
        try db.prepare(
            "UPDATE learnings SET confidence = ?, reinforced = reinforced + 1, last_used = ? WHERE id = ?"
        ).run([.real(min(1, current + amount)), .text(now), .text(id)])
        return true
    }

    /// Adds each new lesson, unless a stored one of the same type says the same thing: then that
    /// one is reinforced.
    func storeLessons(
        _ db: SQLiteConnection, _ outcome: TaskOutcome, vectors: OutcomeVectors?, at now: String,
        report: inout LearningReport
    ) throws(StoreError) {
        guard !outcome.lessons.isEmpty else { return }
        var known = try learningsForDedup(db, model: vectors?.model)
        let insert = try db.prepare(
            """
            INSERT INTO learnings(id, type, content, category, confidence, source_task, reinforced, created_at, last_used)
            VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)
            """)
        for (index, lesson) in outcome.lessons.enumerated() {
            let vector = vectors.flatMap { index < $0.lessons.count ? $0.lessons[index] : nil }
            if let twin = known.first(where: { $0.type == lesson.kind && Self.sameLesson($0, lesson, vector) }) {
                if try reinforce(db, id: twin.id, by: 0.1, at: now), !report.reinforced.contains(twin.id) {
                    report.reinforced.append(twin.id)
                }
                continue
            }
            let id = UUID().uuidString.lowercased()
            try insert.run([
                .text(id), .text(lesson.kind.rawValue), .text(lesson.content), .optional(lesson.category),
                .real(lesson.confidence), .text(outcome.spec.id), .text(now), .text(now),
            ])
            let chunk = try addChunk(db, kind: "learning", ref: id, text: lesson.content, at: now)
            if let vectors, let vector {
                try saveEmbedding(db, chunk: chunk, vector: vector, model: vectors.model)
            }
            known.append(
                DedupEntry(id: id, type: lesson.kind, words: RecallTerms.words(lesson.content), vector: vector))
            report.added.append(id)
        }
    }

    struct DedupEntry {
        var id: String
        var type: Lesson.Kind
        var words: Set<String>
        var vector: [Float]?
    }

    private func learningsForDedup(_ db: SQLiteConnection, model: String?) throws(StoreError) -> [DedupEntry] {
        try db.prepare(
            """
            SELECT l.id, l.type, l.content, e.embedding FROM learnings l
            LEFT JOIN memory_chunks c ON c.kind = 'learning' AND c.ref_id = l.id
            LEFT JOIN memory_embeddings e ON e.chunk_id = c.id AND e.model = ?
            """
        ).rows([.optional(model)]) { row in
            DedupEntry(
                id: row.text(0), type: Lesson.Kind(rawValue: row.text(1)) ?? .heuristic,
                words: RecallTerms.words(row.text(2)),
                vector: row.isNull(3) ? nil : VectorIndex.vector(row.blob(3)))
        }
    }

    static func sameLesson(_ entry: DedupEntry, _ lesson: Lesson, _ vector: [Float]?) -> Bool {
        if let a = entry.vector, let b = vector, a.count == b.count {
            return VectorMath.cosine(a, b) >= duplicateCosine
        }
        let words = RecallTerms.words(lesson.content)
        let union = entry.words.union(words).count
        return union > 0 && Double(entry.words.intersection(words).count) / Double(union) > duplicateJaccard
    }

    /// Adds a recall chunk (the FTS index follows by trigger); returns its id.
    func addChunk(_ db: SQLiteConnection, kind: String, ref: String, text: String, at now: String) throws(StoreError)
        -> String
    {
        let id = "\(kind):\(ref)"
        try db.prepare(
            "INSERT OR REPLACE INTO memory_chunks(id, source, text, created_at, kind, ref_id) VALUES (?, ?, ?, ?, ?, ?)"
        ).run([.text(id), .text(kind), .text(text), .text(now), .text(kind), .text(ref)])
        return id
    }

    func saveEmbedding(_ db: SQLiteConnection, chunk: String, vector: [Float], model: String) throws(StoreError) {
        try db.prepare(
            """
            INSERT OR REPLACE INTO memory_embeddings(chunk_id, embedding, dimensions, model, created_at)
            VALUES (?, ?, ?, ?, ?)
            """
        ).run([
            .text(chunk), .blob(VectorIndex.blob(vector)), .int(Int64(vector.count)), .text(model),
            .text(Timestamp.string(now())),
        ])
    }

    /// Lessons with their decayed confidence, most confident first.
    public func learnings(limit: Int = 1_000) throws(StoreError) -> [StoredLearning] {
        let rows = try db().prepare(
            """
            SELECT id, type, content, category, confidence, reinforced, source_task, coalesce(created_at, ''), last_used
            FROM learnings ORDER BY confidence DESC LIMIT ?
            """
        ).rows([.int(Int64(limit))]) { row in
            StoredLearning(
                id: row.text(0),
                lesson: Lesson(
                    kind: Lesson.Kind(rawValue: row.text(1)) ?? .heuristic, content: row.text(2), confidence: 0,
                    category: row.optionalText(3)),
                storedConfidence: row.double(4), reinforced: Int(row.int(5)), sourceTask: row.optionalText(6),
                createdAt: row.text(7), lastUsed: row.optionalText(8))
        }
        return rows.map { item in
            var item = item
            item.lesson.confidence = effectiveConfidence(
                item.storedConfidence, lastUsed: item.lastUsed, created: item.createdAt)
            return item
        }.sorted { $0.lesson.confidence > $1.lesson.confidence }
    }
}
