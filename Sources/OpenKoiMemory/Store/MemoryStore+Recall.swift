import OpenKoiCore

/// One thing recall found, before it is turned into prompt text.
public enum RecallHit: Sendable, Hashable {
    case lesson(Recollection.RecalledLesson)
    case task(Recollection.RecalledTask)
}

extension MemoryStore {
    /// Reciprocal rank fusion constant (the usual 60: ranks below ~20 barely count).
    static let fusionK = 60.0
    /// A vector neighbour counts only at or above this cosine (unrelated task texts score ~0–0.25
    /// with the offline model).
    static let minimumCosine: Float = 0.35

    /// Hybrid recall: BM25 over the words (FTS5) fused with the vector ranking (when a query vector
    /// is given), then the rows behind the best chunks. Lessons come back with decayed confidence;
    /// `excluding` leaves out the asking task.
    public func recall(
        text: String, vector: [Float]?, model: String?, lessons lessonLimit: Int = 5, tasks taskLimit: Int = 3,
        excluding: String? = nil
    ) throws(StoreError) -> [RecallHit] {
        let db = try db()
        var fused: [String: Double] = [:]
        for (rank, chunk) in try keywordMatches(db, text: text).enumerated() {
            fused[chunk, default: 0] += 1 / (Self.fusionK + Double(rank + 1))
        }
        if let vector, let model {
            for (rank, chunk) in try vectorMatches(db, vector: vector, model: model).enumerated() {
                fused[chunk, default: 0] += 1 / (Self.fusionK + Double(rank + 1))
            }
        }
        var lessons: [Recollection.RecalledLesson] = []
        var tasks: [Recollection.RecalledTask] = []
        for (chunk, score) in fused.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            guard let colon = chunk.firstIndex(of: ":") else { continue }
            let kind = chunk[..<colon]
            let ref = String(chunk[chunk.index(after: colon)...])
            if kind == "learning", lessons.count < lessonLimit, let lesson = try learning(db, id: ref) {
                guard lesson.confidence >= Self.forgetBelow else { continue }
                lessons.append(Recollection.RecalledLesson(id: ref, lesson: lesson, relevance: score))
            } else if kind == "task", ref != excluding, let task = try pastTask(db, id: ref) {
                if tasks.count < taskLimit {
                    tasks.append(
                        Recollection.RecalledTask(
                            id: ref, description: task.description, score: task.score, iterations: task.iterations,
                            decision: task.decision, outcome: task.output, relevance: score))
                }
                // What a similar task taught applies to this one, whatever words the lesson uses.
                for id in try lessonIDs(db, fromTask: ref) where lessons.count < lessonLimit {
                    guard !lessons.contains(where: { $0.id == id }), !fused.keys.contains("learning:" + id),
                        let lesson = try learning(db, id: id), lesson.confidence >= Self.forgetBelow
                    else { continue }
                    lessons.append(Recollection.RecalledLesson(id: id, lesson: lesson, relevance: score * 0.9))
                }
            }
        }
        lessons.sort { $0.relevance != $1.relevance ? $0.relevance > $1.relevance : $0.id < $1.id }
        return lessons.map(RecallHit.lesson) + tasks.map(RecallHit.task)
    }

    /// Chunks whose words match, best BM25 first. A match must share two of the query's words, or one
    /// identifier-like word (a file name, an error code), so one common word does not recall anything.
    func keywordMatches(_ db: SQLiteConnection, text: String) throws(StoreError) -> [String] {
        let terms = RecallTerms.terms(text)
        guard !terms.isEmpty else { return [] }
        let query = terms.map { "\"" + $0.replacing("\"", with: "\"\"") + "\"" }.joined(separator: " OR ")
        let rows = try db.prepare(
            "SELECT chunk_id, text FROM memory_fts WHERE memory_fts MATCH ? ORDER BY bm25(memory_fts) LIMIT 40"
        ).rows([.text(query)]) { row in (row.text(0), row.text(1)) }
        return rows.compactMap { chunk, body in
            let words = RecallTerms.words(body)
            let shared = terms.filter { words.contains($0) }
            let strong = shared.contains(where: RecallTerms.isIdentifier)
            return shared.count >= min(2, terms.count) || strong ? chunk : nil
        }
    }

    /// Chunks by cosine to `vector` among the vectors of `model`, best first, above the floor.
    func vectorMatches(_ db: SQLiteConnection, vector: [Float], model: String) throws(StoreError) -> [String] {
        let index = try vectorIndex(db, model: model)
        let hits = (try? index.topK(query: vector, k: 40)) ?? []
        let chunk = try db.cached("SELECT chunk_id FROM memory_embeddings WHERE rowid = ?")
        var chunks: [String] = []
        for hit in hits where hit.score >= Self.minimumCosine {
            // Gone since the load (a concurrent delete): skipped, the next recall reloads.
            if let id = try chunk.rows([.int(hit.id)], { $0.text(0) }).first { chunks.append(id) }
        }
        return chunks
    }

    /// Reads `model`'s vectors into memory now (they stay until they change), so a recall that
    /// follows only searches them.
    public func loadVectors(model: String) throws(StoreError) {
        _ = try vectorIndex(db(), model: model)
    }

    /// The model's vectors by `memory_embeddings` rowid, loaded once and reloaded when they change:
    /// a row added, deleted or replaced (a replacement gets a new rowid) changes the count or the
    /// largest rowid, which the model's index gives without reading the vectors.
    func vectorIndex(_ db: SQLiteConnection, model: String) throws(StoreError) -> VectorIndex {
        // No write at all since the last look (the common case between two recalls): no query.
        let stamp = try db.changeStamp()
        if let cached = cachedIndex, cached.model == model, cached.stamp == stamp { return cached.index }
        let version =
            try db.cached("SELECT count(*), coalesce(max(rowid), 0) FROM memory_embeddings WHERE model = ?")
            .rows([.text(model)]) { row in VectorVersion(rows: Int(row.int(0)), lastRow: row.int(1)) }.first
            ?? VectorVersion(rows: 0, lastRow: 0)
        if let cached = cachedIndex, cached.model == model, cached.version == version {
            cachedIndex?.stamp = stamp
            return cached.index
        }
        // One pass over the table in rowid order, each blob copied straight into the matrix: at 10k
        // vectors this load is most of a cold recall (a walk of the model's index, with a seek per
        // row, took four times as long).
        let statement = try db.prepare(
            "SELECT rowid, embedding, dimensions FROM memory_embeddings NOT INDEXED WHERE model = ?")
        try statement.bind([.text(model)])
        var index = VectorIndex(dimension: 0)
        var sized = false
        while try statement.step() {
            let dimension = Int(statement.int(2))
            if !sized {
                index = VectorIndex(dimension: dimension)
                index.reserveCapacity(version.rows)
                sized = true
            }
            // A vector of another length (a different model under the same name) is left out, not fatal.
            guard dimension == index.dimension else { continue }
            let rowid = statement.int(0)
            _ = statement.withBlob(1) { (try? index.add(id: rowid, bytes: $0)) != nil }
        }
        cachedIndex = (model, version, stamp, index)
        return index
    }

    func lessonIDs(_ db: SQLiteConnection, fromTask task: String) throws(StoreError) -> [String] {
        try db.prepare("SELECT id FROM learnings WHERE source_task = ? ORDER BY confidence DESC LIMIT 3").rows([
            .text(task)
        ]) { $0.text(0) }
    }

    func learning(_ db: SQLiteConnection, id: String) throws(StoreError) -> Lesson? {
        let statement = try db.prepare(
            "SELECT type, content, category, confidence, last_used, created_at FROM learnings WHERE id = ?")
        try statement.bind([.text(id)])
        guard try statement.step() else { return nil }
        let confidence = effectiveConfidence(
            statement.double(3), lastUsed: statement.optionalText(4), created: statement.optionalText(5))
        var lesson = Lesson(
            kind: Lesson.Kind(rawValue: statement.text(0)) ?? .heuristic, content: statement.text(1), confidence: 1,
            category: statement.optionalText(2))
        lesson.confidence = confidence
        return lesson
    }

    func pastTask(_ db: SQLiteConnection, id: String) throws(StoreError)
        -> (description: String, score: Double?, iterations: Int, decision: String, output: String)?
    {
        let statement = try db.prepare(
            "SELECT description, final_score, coalesce(iterations, 0), coalesce(decision, ''), coalesce(output, '') "
                + "FROM tasks WHERE id = ?")
        try statement.bind([.text(id)])
        guard try statement.step() else { return nil }
        return (
            statement.text(0), statement.optionalDouble(1), Int(statement.int(2)), statement.text(3),
            String(statement.text(4).prefix(400))
        )
    }

    /// Chunks with no vector from `model` (new, or embedded by another embedder), oldest first.
    public func chunksMissingEmbedding(model: String, limit: Int) throws(StoreError) -> [(id: String, text: String)] {
        try db().prepare(
            """
            SELECT c.id, coalesce(c.text, '') FROM memory_chunks c
            WHERE NOT EXISTS (SELECT 1 FROM memory_embeddings e WHERE e.chunk_id = c.id AND e.model = ?)
            ORDER BY c.created_at LIMIT ?
            """
        ).rows([.text(model), .int(Int64(limit))]) { row in (row.text(0), row.text(1)) }
    }

    /// Stores vectors for existing chunks (re-embedding after the embedder changed).
    public func saveEmbeddings(_ vectors: [(chunk: String, vector: [Float])], model: String) throws(StoreError) {
        let db = try db()
        try db.transaction { () throws(StoreError) in
            for item in vectors { try saveEmbedding(db, chunk: item.chunk, vector: item.vector, model: model) }
        }
    }
}

/// The words recall searches by.
enum RecallTerms {
    static let stopwords: Set<String> = [
        "the", "and", "for", "with", "that", "this", "from", "into", "what", "when", "where", "which", "who", "how",
        "are", "was", "were", "has", "have", "had", "not", "but", "all", "any", "can", "its", "it's", "you", "your",
        "our", "their", "them", "they", "then", "than", "there", "these", "those", "will", "would", "should", "could",
        "does", "did", "done", "make", "use", "using", "used", "please", "give", "get", "put", "let", "one", "two",
        "also", "just", "only", "each", "every", "some", "more", "most", "very", "about", "over", "under", "out",
        "file", "files", "task", "like", "new", "add", "write",
    ]

    static func words(_ text: String) -> Set<String> {
        Set(text.lowercased().split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init))
    }

    /// Distinct content words of at least 3 characters, in order of appearance (at most 24).
    static func terms(_ text: String) -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        for word in text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }) {
            let term = String(word)
            guard term.count >= 3 || term.contains(where: \.isNumber), !stopwords.contains(term),
                seen.insert(term).inserted
            else { continue }
            out.append(term)
            if out.count == 24 { break }
        }
        return out
    }

    /// Words that name one thing: snake_case names, words with digits (E0502, 429, v2), long words.
    static func isIdentifier(_ term: String) -> Bool {
        term.contains("_") || (term.contains(where: \.isNumber) && term.contains(where: \.isLetter))
            || term.count >= 10
    }
}

/// What the cached vectors of a model were read from: any write to that model's rows changes it.
struct VectorVersion: Sendable, Equatable {
    let rows: Int
    let lastRow: Int64
}
