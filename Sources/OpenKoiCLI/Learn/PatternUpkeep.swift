import FoundationEssentials
import OpenKoiCore
import OpenKoiMemory
import OpenKoiProviders

/// Pattern mining as part of running tasks: after a run (or a batch), mine when
/// `[patterns] mine_interval_hours` have passed, and with `auto_propose` write proposals for the
/// confident patterns with the small model. It never fails a run: problems are warnings.
struct PatternUpkeep {
    let session: Session
    let store: MemoryStore

    init(session: Session) {
        self.session = session
        store = MemoryStore(path: session.paths.dbFile, decayRate: session.config.memory.learningDecayRate)
    }

    /// Call once per process after its tasks were recorded.
    func afterTasks(now: Date = Date()) async {
        let config = session.config.patterns
        // No database yet: no task was recorded, nothing to mine.
        guard config.enabled, FileManager.default.fileExists(atPath: session.paths.dbFile) else { return }
        let report: PatternMiningReport?
        do {
            report = try await PatternMiner(store: store, config: config).mineIfDue(now: now)
        } catch {
            session.console.warning("pattern mining: \(error)")
            return
        }
        guard let report, config.autoPropose else { return }
        let candidates = SkillProposer.candidates(report.patterns, minConfidence: config.minConfidence)
        guard !candidates.isEmpty else { return }
        let proposer: SkillProposer
        do {
            proposer = try await self.proposer(model: nil)
        } catch {
            session.console.warning("no skill proposed (the small model cannot be used: \(error))")
            return
        }
        for pattern in candidates {
            switch await proposer.propose(pattern) {
            case .proposed(let name, _):
                session.console.note(
                    "learn: proposed the skill '\(name)' (\(pattern.description)); review it with `openkoi learn`")
            case .rejected(let reason):
                session.console.warning("no skill proposed for the pattern '\(pattern.description)': \(reason)")
            }
        }
    }

    /// A proposer over `model` (`provider/model`), else the session's small model, else its executor.
    func proposer(model: String?) async throws -> SkillProposer {
        let router = session.modelRouter(
            resolver: session.startingResolver(), executor: model ?? session.config.models.executor, events: EventBus())
        let executor = try await router.binding(for: model ?? session.config.models.executor)
        let binding = model == nil ? await router.smallBinding(for: executor) ?? executor : executor
        return SkillProposer(
            model: binding.model,
            complete: { request in try await binding.provider.chat(request).content },
            skillsDir: session.paths.skillsDir, store: store)
    }
}
