import OpenKoiCore
import OpenKoiMemory
import OpenKoiProviders
import OpenKoiSkills

/// An embedding API named by `[models] embedder` (`provider/model`), resolved through discovery on
/// first use: a session that never recalls never probes for it.
actor ProviderEmbedder: TextEmbedder {
    nonisolated let modelID: String
    let resolver: ProviderResolver
    private var resolved: (provider: any TextEmbedding, model: String)?

    init(spec: String, resolver: ProviderResolver) {
        modelID = spec
        self.resolver = resolver
    }

    func embed(_ texts: [String]) async throws -> [[Float]] {
        guard !texts.isEmpty else { return [] }
        if resolved == nil {
            let found = try await resolver.resolve(model: modelID)
            guard let provider = found.provider as? any TextEmbedding else {
                throw CLIError("[models] embedder \(modelID): provider \(found.provider.id) has no embedding API")
            }
            resolved = (provider, found.model)
        }
        guard let resolved else { return [] }
        return try await resolved.provider.embed(texts, model: resolved.model)
    }
}

extension Session {
    /// Long-term memory for this session's tasks, over `<data>/openkoi.db`, with the skills chosen
    /// per task from `library`.
    /// - Parameter channel: `cli`, `batch` or `daemon`, recorded with each task.
    func memory(channel: String, resolver: ProviderResolver, library: SkillLibrary, catalog: EvaluatorCatalog)
        -> SkilledMemory
    {
        let store = MemoryStore(path: paths.dbFile, decayRate: config.memory.learningDecayRate)
        // An idle daemon keeps the model out of memory until its first task recalls.
        let embedder = self.embedder(resolver: resolver, preload: channel != "daemon")
        let memory = LongTermMemory(
            store: store, embedder: embedder.embedder, session: SessionInfo(channel: channel),
            embedderNote: embedder.note, categorize: { catalog.category(forTask: $0) },
            maxStorageMB: config.memory.maxStorageMB)
        let taskSkills = library.skills.filter { $0.kind == .task }
        return SkilledMemory(
            memory: memory, library: library, catalog: catalog,
            descriptions: embedder.embedder.map { SkillDescriptionVectors(embedder: $0, skills: taskSkills) })
    }

    /// The configured embedding API, else none (keyword recall), with a note saying how to get one.
    /// - Parameter preload: load the offline model now, in the background (a task is about to run).
    func embedder(resolver: ProviderResolver, preload: Bool = true) -> (embedder: (any TextEmbedder)?, note: String?) {
        if let spec = config.models.embedder, !spec.isEmpty {
            return (ProviderEmbedder(spec: spec, resolver: resolver), nil)
        }
        let directory = LocalEmbedder.defaultDirectory(environment: environment)
        if LocalEmbedder.isInstalled(at: directory) {
            let local = LocalEmbedder(directory: directory)
            // Loads the model (~20–30 ms) while discovery and planning start, off recall's path.
            if preload { Task.detached { try? await local.preload() } }
            return (local, nil)
        }
        return (nil, "no embedder (run scripts/embedder/install.sh, or set [models] embedder)")
    }
}

extension Session {
    /// The embedder as `status` names it.
    var embedderDescription: String {
        if let spec = config.models.embedder, !spec.isEmpty { return spec }
        let directory = LocalEmbedder.defaultDirectory(environment: environment)
        if LocalEmbedder.isInstalled(at: directory) {
            return "local/\(LocalEmbedder.modelName) (offline, \(directory))"
        }
        return "none: recall by keywords only (run scripts/embedder/install.sh, or set [models] embedder)"
    }
}
