import FoundationEssentials
import OpenKoiCore
import OpenKoiMemory
import OpenKoiSkills
import Testing

@testable import OpenKoiCLI

/// A model that answers from a script and keeps every request.
actor ScriptedModel {
    private var replies: [Result<String, CLITestError>]
    private(set) var requests: [ChatRequest] = []

    init(_ replies: [Result<String, CLITestError>]) { self.replies = replies }

    func complete(_ request: ChatRequest) throws -> String {
        requests.append(request)
        guard !replies.isEmpty else { throw CLITestError("no scripted reply left") }
        return try replies.removeFirst().get()
    }
}

struct SkillProposerTests {
    func proposer(_ sandbox: CLISandbox, _ model: ScriptedModel, store: MemoryStore) -> SkillProposer {
        SkillProposer(
            model: "test-small", complete: { try await model.complete($0) }, skillsDir: LearnSeed.skillsDir(sandbox),
            store: store)
    }

    func recurringTask(_ store: MemoryStore) async throws -> UsagePattern {
        try #require(try await store.patterns().first { $0.type == .recurringTask })
    }

    /// Everything under `skills/proposed/`, hidden staging folders included.
    func proposedEntries(_ sandbox: CLISandbox) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: LearnSeed.skillsDir(sandbox) + "/proposed")) ?? [])
            .sorted()
    }

    @Test func aValidReplyIsSavedAsAProposalThatParses() async throws {
        let sandbox = try CLISandbox()
        let store = try await LearnSeed.minedStore(in: sandbox)
        let pattern = try await recurringTask(store)
        #expect(pattern.description == "summarize <path> in <n> bullets" && pattern.confidence == 0.75)
        let model = ScriptedModel([.success(LearnSeed.reply(name: LearnSeed.proposalName))])
        let outcome = await proposer(sandbox, model, store: store).propose(pattern)
        let path = LearnSeed.skillsDir(sandbox) + "/proposed/\(LearnSeed.proposalName)/SKILL.md"
        #expect(outcome == .proposed(name: LearnSeed.proposalName, path: path))
        // Saved without the preamble and the outer fence; the inner code block kept.
        let saved = try #require(sandbox.read(path))
        #expect(saved == LearnSeed.skill(name: LearnSeed.proposalName))
        let skill = try SkillParser.parse(saved, source: path, defaultName: "x")
        #expect(skill.name == LearnSeed.proposalName && skill.kind == .task && skill.categories == ["writing"])
        #expect(proposedEntries(sandbox) == [LearnSeed.proposalName])

        let stored = try #require(try await store.pattern(proposing: LearnSeed.proposalName))
        #expect(stored.id == pattern.id && stored.status == .proposed)

        let requests = await model.requests
        #expect(requests.count == 1)
        let request = try #require(requests.first)
        #expect(request.model == "test-small" && request.maxTokens == 1500 && request.temperature == 0.3)
        let prompt = request.messages.first?.content ?? ""
        #expect(prompt.contains("name: \(LearnSeed.proposalName)\n"))
        #expect(prompt.contains("Pattern: summarize <path> in <n> bullets"))
        #expect(prompt.contains("- Summarize notes/2026-03-01.md in 3 bullets"))
        #expect(prompt.contains("    type: recurring_task\n"))
    }

    @Test func anInvalidReplyIsRetriedOnceWithTheParsersError() async throws {
        let sandbox = try CLISandbox()
        let store = try await LearnSeed.minedStore(in: sandbox)
        let model = ScriptedModel([
            .success("# Summarize notes\n\nJust summarize them."),
            .success(LearnSeed.reply(name: LearnSeed.proposalName)),
        ])
        let outcome = await proposer(sandbox, model, store: store).propose(try await recurringTask(store))
        guard case .proposed(let name, _) = outcome else {
            Issue.record("expected a proposal, got \(outcome)")
            return
        }
        #expect(name == LearnSeed.proposalName)
        let requests = await model.requests
        #expect(requests.count == 2)
        let retry = requests.last?.messages ?? []
        #expect(retry.count == 3)
        #expect(retry.dropFirst().first?.role == .assistant)
        #expect(retry.dropFirst().first?.content == "# Summarize notes\n\nJust summarize them.")
        let correction = retry.last?.content ?? ""
        #expect(correction.contains("SKILL.md must start with a '---' frontmatter line"), "\(correction)")
        #expect(correction.contains("skills/proposed/\(LearnSeed.proposalName)/SKILL.md:1"), "\(correction)")
    }

    @Test func twoInvalidRepliesSaveNothingAndLeaveThePatternDetected() async throws {
        let sandbox = try CLISandbox()
        let store = try await LearnSeed.minedStore(in: sandbox)
        let wrongName = LearnSeed.skill(name: "something-else")
        let model = ScriptedModel([.success(wrongName), .success("---\nname: [unclosed\n---\nbody")])
        let pattern = try await recurringTask(store)
        let outcome = await proposer(sandbox, model, store: store).propose(pattern)
        guard case .rejected(let reason) = outcome else {
            Issue.record("expected a rejection, got \(outcome)")
            return
        }
        #expect(reason.contains("invalid twice"), "\(reason)")
        let requests = await model.requests
        #expect(requests.count == 2)
        // The first complaint was the name.
        #expect(
            requests.last?.messages.last?.content.contains(
                "name must be '\(LearnSeed.proposalName)', got 'something-else'") == true)
        #expect(proposedEntries(sandbox).isEmpty)
        #expect(try await store.patterns().first { $0.id == pattern.id }?.status == .detected)
    }

    @Test func aFailingModelIsNotRetriedAndSavesNothing() async throws {
        let sandbox = try CLISandbox()
        let store = try await LearnSeed.minedStore(in: sandbox)
        let model = ScriptedModel([.failure(CLITestError("connection refused"))])
        let outcome = await proposer(sandbox, model, store: store).propose(try await recurringTask(store))
        #expect(outcome == .rejected(reason: "the model call failed: connection refused"))
        #expect(await model.requests.count == 1)
        #expect(proposedEntries(sandbox).isEmpty)
    }

    @Test func onlyDetectedConfidentTaskPatternsAreCandidatesMostSpecificFirst() {
        func pattern(
            _ type: PatternType, _ description: String, _ confidence: Double, _ status: PatternStatus = .detected,
            category: String? = nil
        ) -> UsagePattern {
            UsagePattern(
                id: description, type: type, description: description, frequency: "daily", confidence: confidence,
                sampleCount: 5, evidence: category.map { ["category": .string($0)] } ?? .null, status: status)
        }
        let patterns = [
            pattern(.recurring, "code tasks", 0.95, category: "code"),
            pattern(.recurring, "general tasks", 0.95, category: "general"),
            pattern(.timeBased, "Tasks concentrated at 09:00 UTC", 0.95),
            pattern(.workflow, "code -> writing", 0.95),
            pattern(.recurringTask, "review pull request #<n>", 0.8),
            pattern(.recurringTask, "summarize <path>", 0.75),
            pattern(.recurringTask, "weekly report", 0.9, .dismissed),
            pattern(.recurringTask, "deploy staging", 0.6),
        ]
        let chosen = SkillProposer.candidates(patterns, minConfidence: 0.7).map(\.description)
        #expect(chosen == ["review pull request #<n>", "summarize <path>", "code tasks"])
    }

    @Test func theSkillIsReadFromTheReplyAndTheFolderNameFromThePattern() {
        let skill = "---\nname: x\n---\nbody\n"
        #expect(SkillPrompt.skillText(in: "\n" + skill) == skill)
        #expect(SkillPrompt.skillText(in: "```yaml\n" + skill + "```\nHope it helps!") == skill)
        #expect(SkillPrompt.skillText(in: "Sure! Here it is.\n" + skill) == skill)
        #expect(SkillPrompt.skillText(in: "no frontmatter at all") == "no frontmatter at all\n")
        #expect(ProposedSkills.slug("summarize <path> in <n> bullets") == "summarize-in-bullets")
        #expect(ProposedSkills.slug("Code tasks") == "code-tasks")
        #expect(ProposedSkills.slug("code -> writing") == "code-writing")
        #expect(ProposedSkills.slug("<n>") == "n")
        #expect(ProposedSkills.slug("Ünïcode only ☃") == "n-code-only")
        let long = ProposedSkills.slug(String(repeating: "abc ", count: 30))
        #expect(long.count <= 48 && !long.hasSuffix("-") && long.hasPrefix("abc-abc"))
    }
}
