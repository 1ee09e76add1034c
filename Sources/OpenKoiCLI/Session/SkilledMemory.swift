import OpenKoiCore
import OpenKoiMemory
import OpenKoiSkills

/// Memory plus skills: recall's lessons and past tasks, and the task skills chosen for this task
/// from the library (by name, category, similarity to the task and their record in that category).
struct SkilledMemory: TaskMemory {
    let memory: LongTermMemory
    let library: SkillLibrary
    let catalog: EvaluatorCatalog
    let descriptions: SkillDescriptionVectors?

    func recall(for task: TaskSpec) async -> Recollection {
        var recollection = await memory.recall(for: task)
        let category = task.category ?? catalog.category(forTask: task.description)
        recollection.category = category
        let history = (try? await memory.store.skillEffectiveness()) ?? [:]
        var effectiveness: [String: SkillEffectiveness] = [:]
        for (skill, categories) in history {
            if let stats = categories[category] {
                effectiveness[skill] = SkillEffectiveness(avgScore: stats.avgScore, samples: stats.samples)
            }
        }
        let similarity = await descriptions?.similarity(to: task.description) ?? [:]
        let chosen = SkillSelector.select(
            task: task.description, category: category, library: library, effectiveness: effectiveness,
            similarity: similarity)
        recollection.skills = chosen.map {
            Recollection.ChosenSkill(name: $0.skill.name, reasons: $0.reasons, body: $0.skill.body)
        }
        return recollection
    }

    func learn(from outcome: TaskOutcome) async -> LearningReport {
        await memory.learn(from: outcome)
    }
}

/// The task skills' descriptions embedded once per session, for the selector's similarity signal.
actor SkillDescriptionVectors {
    let embedder: any TextEmbedder
    let skills: [Skill]
    private var vectors: [String: [Float]]?

    init(embedder: any TextEmbedder, skills: [Skill]) {
        self.embedder = embedder
        self.skills = skills
    }

    /// Cosine of the task to each skill's name and description; empty when embedding fails.
    func similarity(to task: String) async -> [String: Double] {
        guard !skills.isEmpty else { return [:] }
        if vectors == nil {
            let texts = skills.map { "\($0.name): \($0.description)" }
            guard let embedded = try? await embedder.embed(texts), embedded.count == skills.count else { return [:] }
            vectors = Dictionary(zip(skills.map(\.name), embedded)) { a, _ in a }
        }
        guard let vectors, let query = try? await embedder.embed([task]).first else { return [:] }
        var out: [String: Double] = [:]
        for (name, vector) in vectors where vector.count == query.count {
            out[name] = Double(VectorMath.cosine(query, vector))
        }
        return out
    }

}
