import ArgumentParser
import FoundationEssentials
import OpenKoiCore
import OpenKoiMemory

/// The review of proposed skills behind `openkoi learn`: proposals on disk, patterns in the
/// database (read only when it exists: listing never creates one).
struct SkillReview {
    let session: Session
    let proposals: ProposedSkills

    init(session: Session) {
        self.session = session
        proposals = ProposedSkills(skillsDir: session.paths.skillsDir)
    }

    var store: MemoryStore? {
        guard FileManager.default.fileExists(atPath: session.paths.dbFile) else { return nil }
        return MemoryStore(path: session.paths.dbFile, decayRate: session.config.memory.learningDecayRate)
    }

    /// Patterns not dismissed; a database that cannot be read is an error naming it.
    func patterns() async throws -> [UsagePattern] {
        guard let store else { return [] }
        do {
            return try await store.patterns()
        } catch {
            throw reportedError("\(error)")
        }
    }

    func listText() async throws -> String {
        LearnReport.list(
            patterns: try await patterns(), proposals: proposals.list(),
            intervalHours: session.config.patterns.mineIntervalHours)
    }

    func listJSON() async throws -> String {
        LearnReport.listJSON(patterns: try await patterns(), proposals: proposals.list())
    }

    /// The proposal folder's name, or exit 1 naming the proposals there are.
    func existingProposal(_ name: String) throws -> String {
        guard ProposedSkills.isFolderName(name), proposals.isDirectory(proposals.folder(name)) else {
            throw reportedError("no proposed skill named '\(name)'. \(LearnReport.known(proposals.list()))")
        }
        return name
    }

    func view(_ name: String) throws -> String {
        let name = try existingProposal(name)
        let path = proposals.folder(name) + "/SKILL.md"
        guard let text = proposals.read(path) else { throw reportedError("\(path): cannot be read") }
        return text.hasSuffix("\n") ? text : text + "\n"
    }

    enum Approval: String { case approved, alreadyInstalled = "already_installed" }

    /// Installs the proposal as a user skill; "already installed" when only the user skill is there.
    func approve(_ name: String) async throws -> (Approval, path: String, patterns: Int) {
        let installed = proposals.userFolder(name)
        if ProposedSkills.isFolderName(name), proposals.exists(installed) {
            guard proposals.isDirectory(proposals.folder(name)) else { return (.alreadyInstalled, installed, 0) }
            throw reportedError(
                "a user skill named '\(name)' already exists at \(installed); the proposal was left in place "
                    + "(dismiss it, or remove the user skill and approve again)")
        }
        let proposal = proposals.proposal(try existingProposal(name))
        if let problem = proposal.problem {
            throw reportedError("\(problem) (fix it, or dismiss the proposal with `openkoi learn dismiss \(name)`)")
        }
        let path: String
        do {
            path = try proposals.approve(name)
        } catch {
            throw reportedError(error.description)
        }
        return (.approved, path, await mark(name, .approved))
    }

    /// Deletes the proposal; its pattern is dismissed, so it is never proposed again.
    func dismiss(_ name: String) async throws -> Int {
        let plain = ProposedSkills.isFolderName(name)
        let onDisk = plain && proposals.isDirectory(proposals.folder(name))
        // A pattern whose folder is already gone can still be dismissed by its proposal's name.
        let known = plain ? (try? await store?.pattern(proposing: name)) ?? nil : nil
        guard onDisk || known != nil else { _ = try existingProposal(name); return 0 }
        if onDisk {
            do {
                try proposals.remove(name)
            } catch {
                throw reportedError(error.description)
            }
        }
        return await mark(name, .dismissed)
    }

    /// Sets the status of the patterns behind `name`; a database problem is a warning (the files moved).
    private func mark(_ name: String, _ status: PatternStatus) async -> Int {
        guard let store else { return 0 }
        do {
            return try await store.setStatus(status, forPatternsProposing: name)
        } catch {
            session.console.warning("the pattern behind '\(name)' could not be marked \(status.rawValue): \(error)")
            return 0
        }
    }

    /// With no action on a terminal: each proposal in turn, approve / dismiss / view / skip.
    func interactive() async throws {
        StandardStreams.out(try await listText())
        for proposal in proposals.list() {
            var choices: [(key: String, label: String)] = [
                ("approve", "Approve (install as a user skill)"), ("dismiss", "Dismiss (never propose it again)"),
                ("view", "View the SKILL.md"), ("skip", "Skip"),
            ]
            let title = "\n\(proposal.name): \(proposal.problem ?? proposal.description)"
            while let choice = TerminalPrompt.pick(TerminalText.escaped(title), choices), choice != "skip" {
                if choice == "view" {
                    StandardStreams.out(try view(proposal.name))
                    choices.removeAll { $0.key == "view" }
                    continue
                }
                if choice == "approve" {
                    let (_, path, _) = try await approve(proposal.name)
                    StandardStreams.out("Approved \(proposal.name): installed in \(path)\n")
                } else {
                    _ = try await dismiss(proposal.name)
                    StandardStreams.out("Dismissed \(proposal.name).\n")
                }
                break
            }
        }
    }
}
