import OpenKoiCore

/// The pipeline's memory (`TaskMemory`) over the SQLite store: recall by words and meaning before
/// a task, and recording plus lessons after it. Embedding failures degrade recall to keywords and
/// say so; a broken store costs the memory, never the task.
public struct LongTermMemory: TaskMemory {
    public let store: MemoryStore
    public let embedder: (any TextEmbedder)?
    public let session: SessionInfo
    /// Names the embedder in progress and `status` when there is none ("keywords only: …").
    public let embedderNote: String?
    /// The task's category (for lessons and skill effectiveness); `nil`: unknown.
    public let categorize: @Sendable (String) -> String?
    /// `[memory] max_storage_mb` (0: no limit).
    public let maxStorageMB: Int

    public init(
        store: MemoryStore, embedder: (any TextEmbedder)?, session: SessionInfo, embedderNote: String? = nil,
        categorize: @escaping @Sendable (String) -> String? = { _ in nil }, maxStorageMB: Int = 0
    ) {
        self.maxStorageMB = maxStorageMB
        self.store = store
        self.embedder = embedder
        self.session = session
        self.embedderNote = embedderNote
        self.categorize = categorize
    }

    /// Chunks embedded per call when catching up after a change of embedder.
    static let reembedBatch = 64

    public func recall(for task: TaskSpec) async -> Recollection {
        var notes: [String] = []
        var vector: [Float]?
        var method = "keywords"
        if let embedder {
            // The store reads the model's vectors while the task is embedded: on a cold start both
            // take tens of milliseconds at 10k memories, and they need different cores.
            async let loaded: Void? = try? store.loadVectors(model: embedder.modelID)
            do {
                vector = try await embedder.embed([task.description]).first
                method = "hybrid: keywords + \(embedder.modelID)"
            } catch {
                notes.append("embedder \(embedder.modelID) failed (\(error)); recalling by keywords only")
            }
            _ = await loaded
        } else if let embedderNote {
            method = "keywords only: \(embedderNote)"
        }
        do {
            let hits = try await store.recall(
                text: task.description, vector: vector, model: embedder?.modelID, excluding: task.id)
            var recollection = Recollection(
                category: task.category ?? categorize(task.description), method: method, notes: notes)
            for hit in hits {
                switch hit {
                case .lesson(let lesson): recollection.lessons.append(lesson)
                case .task(let past): recollection.similarTasks.append(past)
                }
            }
            return recollection
        } catch {
            return Recollection(
                category: task.category ?? categorize(task.description), method: method,
                notes: notes + ["memory unavailable: \(error)"])
        }
    }

    public func learn(from outcome: TaskOutcome) async -> LearningReport {
        var vectors: OutcomeVectors?
        if let embedder {
            let texts = [outcome.spec.description] + outcome.lessons.map(\.content)
            if let computed = try? await embedder.embed(texts), computed.count == texts.count {
                vectors = OutcomeVectors(
                    model: embedder.modelID, task: computed.first, lessons: Array(computed.dropFirst()))
            }
        }
        do {
            let report = try await store.record(outcome, session: session, vectors: vectors)
            if let embedder { await catchUp(embedder) }
            try await store.enforceLimit(megabytes: maxStorageMB)
            return report
        } catch {
            return LearningReport(recorded: false, error: String(describing: error))
        }
    }

    /// Embeds chunks the current embedder has not seen (written by another, or while it failed).
    func catchUp(_ embedder: any TextEmbedder) async {
        guard let missing = try? await store.chunksMissingEmbedding(model: embedder.modelID, limit: Self.reembedBatch),
            !missing.isEmpty, let vectors = try? await embedder.embed(missing.map(\.text)),
            vectors.count == missing.count
        else { return }
        try? await store.saveEmbeddings(
            zip(missing, vectors).map { (chunk: $0.0.id, vector: $0.1) }, model: embedder.modelID)
    }
}
