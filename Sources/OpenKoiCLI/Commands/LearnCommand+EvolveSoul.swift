import ArgumentParser
import FoundationEssentials
import OpenKoiCore
import OpenKoiMemory
import OpenKoiSkills

/// `openkoi learn evolve-soul [-m provider/model] [--yes]`: a small change to the soul from the
/// lessons memory is most sure of, shown as a diff and written only when confirmed.
struct LearnEvolveSoul: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evolve-soul",
        abstract: "Propose a small change to SOUL.md from high-confidence lessons; asks before writing (keeps .bak).")

    @ParentCommand var learn: Learn

    @Option(name: [.short, .long], help: "The model that proposes the change, as provider/model.")
    var model: String?

    @Flag(help: "Write the proposal without asking (needed without a terminal).")
    var yes = false

    func run() throws {
        let session = try SkillReview.open(config: learn.config).session
        let path = session.paths.dbFile
        guard FileManager.default.fileExists(atPath: path) else {
            throw reportedError("no database at \(path) yet: run some tasks first, so there are lessons to draw on")
        }
        let (model, yes) = (self.model, self.yes)
        try BlockingRunner.runThrowing {
            let store = MemoryStore(path: path, decayRate: session.config.memory.learningDecayRate)
            let lessons: [StoredLearning]
            do {
                lessons = SoulEvolution.lessons(from: try await store.learnings())
            } catch {
                throw reportedError("\(error)")
            }
            guard lessons.count >= SoulEvolution.minimumLessons else {
                StandardStreams.out(
                    "Not enough high-confidence lessons yet (\(lessons.count) of \(SoulEvolution.minimumLessons) at "
                        + "confidence ≥ \(NumberText.plain(SoulEvolution.minimumConfidence))); the soul is unchanged.\n"
                )
                return
            }
            let soul = Soul.load(workspace: session.workspace, paths: session.paths)
            let target: String
            switch soul.source {
            case .workspace(let file), .user(let file): target = file
            case .bundled: target = session.paths.soulFile
            }
            let binding = try await Self.binding(session: session, model: model)
            let reply: String
            do {
                reply = try await binding.provider.chat(
                    SoulEvolution.request(soul: soul.text, lessons: lessons, model: binding.model)
                ).content
            } catch {
                throw reportedError("\(binding.label) could not propose a change: \(error)")
            }
            let proposal: String
            switch SoulEvolution.proposal(from: reply, current: soul.text) {
            case .success(let text): proposal = text
            case .failure(let rejection): throw reportedError(rejection.description)
            }
            var text = "Proposed change to \(target) (from \(lessons.count) lessons, by \(binding.label)):\n"
            for line in SoulEvolution.diff(soul.text.trimmed, proposal.trimmed) where !line.hasPrefix("  ") {
                text += line + "\n"
            }
            StandardStreams.out(text)
            if !yes {
                guard StandardStreams.stdinIsTerminal else {
                    StandardStreams.out("Not written (no terminal to ask): run again with --yes to write it.\n")
                    return
                }
                StandardStreams.err("Write it? [y/N] ")
                guard let answer = TerminalPrompt.line()?.trimmed.lowercased(), answer == "y" || answer == "yes" else {
                    StandardStreams.out("Not written.\n")
                    return
                }
            }
            do {
                try SoulEvolution.write(proposal, to: target)
            } catch {
                throw reportedError("cannot write \(target): \(error)")
            }
            StandardStreams.out("Wrote \(target) (the previous soul is in \(target).bak).\n")
        }
    }

    /// `model`, else the session's evaluator, else its executor (the soul deserves the better model).
    static func binding(session: Session, model: String?) async throws -> ModelBinding {
        let router = session.modelRouter(
            resolver: session.startingResolver(), executor: model ?? session.config.models.executor, events: EventBus())
        do {
            return try await router.binding(
                for: model ?? session.config.models.evaluator ?? session.config.models.executor)
        } catch {
            throw reportedError("no model to propose a change with: \(error)")
        }
    }
}
