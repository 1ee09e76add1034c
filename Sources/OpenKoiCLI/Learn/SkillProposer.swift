import FoundationEssentials
import OpenKoiCore
import OpenKoiMemory
import OpenKoiSkills

/// Turns a confident pattern into a proposed skill (reference §8.4): a model writes the SKILL.md,
/// the skill parser checks it (one retry, told what was wrong), and it is saved under
/// `skills/proposed/<name>/` for `openkoi learn` to review. Nothing is installed without approval.
struct SkillProposer: Sendable {
    /// One model call: the request in, the reply's text out (a `ModelBinding` in the CLI, a script in tests).
    typealias Complete = @Sendable (ChatRequest) async throws -> String

    enum Outcome: Sendable, Hashable {
        case proposed(name: String, path: String)
        /// Why nothing was saved; the pattern keeps status `detected`.
        case rejected(reason: String)
    }

    /// The model's id, sent in the request (the original sent an empty one).
    let model: String
    let complete: Complete
    /// `<data>/skills`.
    let skillsDir: String
    let store: MemoryStore

    /// Proposals written per mining run: each costs a model call, and a review queue of dozens helps nobody.
    static let maxPerRun = 3

    /// The patterns worth a skill, most specific first: the same task text recurring, or a category
    /// other than the catch-all `general`. Time-of-day habits and category sequences are shown by
    /// `learn list` but say when or in what order, not what to do, so no skill is written for them.
    static func candidates(_ patterns: [UsagePattern], minConfidence: Double) -> [UsagePattern] {
        func rank(_ pattern: UsagePattern) -> Int { pattern.type == .recurringTask ? 0 : 1 }
        let eligible = patterns.filter { pattern in
            guard pattern.status == .detected, pattern.confidence >= minConfidence else { return false }
            switch pattern.type {
            case .recurringTask: return true
            case .recurring: return pattern.evidence["category"]?.stringValue != "general"
            case .timeBased, .workflow: return false
            }
        }
        let ordered = eligible.sorted { a, b in
            rank(a) != rank(b) ? rank(a) < rank(b) : a.confidence > b.confidence
        }
        return Array(ordered.prefix(maxPerRun))
    }

    /// Writes a proposal for `pattern`, or says why not.
    func propose(_ pattern: UsagePattern) async -> Outcome {
        guard pattern.status == .detected else {
            return .rejected(reason: "the pattern is \(pattern.status.rawValue), not awaiting a proposal")
        }
        let name = ProposedSkills(skillsDir: skillsDir).freeName(for: pattern.description)
        let source = "skills/proposed/\(name)/SKILL.md"
        var messages: [ChatMessage] = [.user(SkillPrompt.request(for: pattern, name: name))]
        var problem = ""
        for attempt in 1...2 {
            let reply: String
            do {
                reply = try await complete(
                    ChatRequest(
                        model: model, system: SkillPrompt.system, messages: messages, maxTokens: 1500,
                        temperature: 0.3))
            } catch {
                return .rejected(reason: "the model call failed: \(error)")
            }
            let text = SkillPrompt.skillText(in: reply)
            switch Self.validate(text, name: name, source: source) {
            case .success: return await save(text, name: name, for: pattern)
            case .failure(let failure): problem = failure.description
            }
            if attempt == 1 {
                messages += [
                    .assistant(reply),
                    .user(
                        "That is not a valid SKILL.md: \(problem). Reply with the corrected, complete SKILL.md only, "
                            + "starting with the '---' line."),
                ]
            }
        }
        return .rejected(reason: "the model's SKILL.md was invalid twice (last: \(problem))")
    }

    /// The parser's verdict plus what a proposal needs: a task skill named after its folder, with a
    /// description and instructions.
    static func validate(_ text: String, name: String, source: String) -> Result<Skill, ValidationFailure> {
        let skill: Skill
        do {
            skill = try SkillParser.parse(text, source: source, defaultName: name)
        } catch {
            return .failure(ValidationFailure(error.description))
        }
        if skill.kind != .task { return .failure(ValidationFailure("\(source): kind must be 'task'")) }
        if skill.name != name {
            return .failure(ValidationFailure("\(source): name must be '\(name)', got '\(skill.name)'"))
        }
        if skill.description.trimmed.isEmpty {
            return .failure(ValidationFailure("\(source): the frontmatter needs a description"))
        }
        if skill.body.count < 40 {
            return .failure(
                ValidationFailure("\(source): the instructions after the frontmatter are missing or too short"))
        }
        return .success(skill)
    }

    struct ValidationFailure: Error, Hashable, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    private func save(_ text: String, name: String, for pattern: UsagePattern) async -> Outcome {
        let skills = ProposedSkills(skillsDir: skillsDir)
        do {
            try skills.install(text, as: name)
        } catch {
            return .rejected(reason: "\(error)")
        }
        // The folder is the proposal; a pattern row that cannot be updated is proposed again next run
        // (under a free name), which costs a model call, not the user's review.
        try? await store.markProposed(patternID: pattern.id, skill: name)
        return .proposed(name: name, path: skills.folder(name) + "/SKILL.md")
    }
}
