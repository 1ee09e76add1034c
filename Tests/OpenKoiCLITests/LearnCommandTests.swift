import FoundationEssentials
import OpenKoiCore
import OpenKoiMemory
import OpenKoiTesting
import Testing

@testable import OpenKoiCLI

/// `openkoi learn`: patterns from a seeded database and a proposal on disk, reviewed through the binary.
struct LearnCommandTests {
    /// A mined database plus the proposal the proposer saves for its recurring task.
    func seeded() async throws -> (CLISandbox, MemoryStore) {
        let sandbox = try CLISandbox()
        let store = try await LearnSeed.minedStore(in: sandbox)
        let pattern = try #require(try await store.patterns().first { $0.type == .recurringTask })
        let proposer = SkillProposer(
            model: "m", complete: { _ in LearnSeed.reply(name: LearnSeed.proposalName) },
            skillsDir: LearnSeed.skillsDir(sandbox), store: store)
        guard case .proposed = await proposer.propose(pattern) else { throw CLITestError("seed proposal failed") }
        return (sandbox, store)
    }

    var proposalPath: String { "/skills/proposed/\(LearnSeed.proposalName)/SKILL.md" }

    @Test func listJSONShowsThePatternsAndTheProposal() async throws {
        let (sandbox, _) = try await seeded()
        let run = try await sandbox.run(["learn", "list", "--json"])
        #expect(run.exitCode == 0, "\(run.transcript)")
        let object = try run.singleJSONObject()
        let patterns = object["patterns"]?.arrayValue ?? []
        let task = try #require(patterns.first { $0["type"] == "recurring_task" })
        #expect(task["description"] == "summarize <path> in <n> bullets")
        #expect(task["samples"] == 3 && task["confidence"] == 0.75 && task["frequency"]?.stringValue?.isEmpty == false)
        #expect(task["status"] == "proposed" && task["proposed_skill"] == .string(LearnSeed.proposalName))
        #expect(patterns.contains { $0["type"] == "recurring" && $0["description"] == "writing tasks" })
        let proposed = object["proposed"]?.arrayValue ?? []
        #expect(proposed.count == 1)
        #expect(proposed.first?["name"] == .string(LearnSeed.proposalName))
        #expect(proposed.first?["description"] == "Summarize a day's notes file into a few bullets.")
        #expect(proposed.first?["path"] == .string(LearnSeed.dataDir(sandbox) + proposalPath))
        #expect(run.stderr.isEmpty, "\(run.stderr)")
    }

    @Test func withoutATerminalOrAnActionItPrintsTheList() async throws {
        let (sandbox, _) = try await seeded()
        let run = try await sandbox.run(["learn"])
        #expect(run.exitCode == 0, "\(run.transcript)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(
            lines.contains {
                $0.hasPrefix("  recurring_task  summarize <path> in <n> bullets")
                    && $0.hasSuffix("0.75  proposed (summarize-in-bullets)")
            }, "\(run.stdout)")
        #expect(lines.contains("Proposed skills (1):"))
        #expect(lines.contains("  summarize-in-bullets  Summarize a day's notes file into a few bullets."))
    }

    @Test func viewPrintsTheProposedSkill() async throws {
        let (sandbox, _) = try await seeded()
        let run = try await sandbox.run(["learn", "view", LearnSeed.proposalName])
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(run.stdout == LearnSeed.skill(name: LearnSeed.proposalName))
    }

    @Test func approveMovesTheFolderIntoUserSkillsAndMarksThePattern() async throws {
        let (sandbox, store) = try await seeded()
        let run = try await sandbox.run(["learn", "approve", LearnSeed.proposalName, "--json"])
        #expect(run.exitCode == 0, "\(run.transcript)")
        let installed = LearnSeed.skillsDir(sandbox) + "/user/" + LearnSeed.proposalName
        let object = try run.singleJSONObject()
        #expect(
            object == [
                "name": .string(LearnSeed.proposalName), "status": "approved", "path": .string(installed),
                "patterns": 1,
            ])
        #expect(sandbox.read(installed + "/SKILL.md") == LearnSeed.skill(name: LearnSeed.proposalName))
        #expect(sandbox.read(LearnSeed.dataDir(sandbox) + proposalPath) == nil)
        // No staging folders left behind.
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: LearnSeed.skillsDir(sandbox) + "/user") == [
                LearnSeed.proposalName
            ])
        #expect(try FileManager.default.contentsOfDirectory(atPath: LearnSeed.skillsDir(sandbox) + "/proposed").isEmpty)
        #expect(try await store.pattern(proposing: LearnSeed.proposalName)?.status == .approved)

        let again = try await sandbox.run(["learn", "install", LearnSeed.proposalName])
        #expect(again.exitCode == 0, "\(again.transcript)")
        #expect(again.stdout == "\(LearnSeed.proposalName) is already installed (\(installed)).\n")
    }

    @Test func dismissRemovesTheProposalAndItIsNeverProposedAgain() async throws {
        let (sandbox, store) = try await seeded()
        let run = try await sandbox.run(["learn", "dismiss", LearnSeed.proposalName, "--json"])
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(
            try run.singleJSONObject() == [
                "name": .string(LearnSeed.proposalName), "status": "dismissed", "patterns": 1,
            ])
        #expect(
            !FileManager.default.fileExists(
                atPath: LearnSeed.skillsDir(sandbox) + "/proposed/" + LearnSeed.proposalName))
        #expect(try await store.pattern(proposing: LearnSeed.proposalName)?.status == .dismissed)

        // Mined again (the binary's miner): still dismissed, so neither listed nor a candidate.
        let mined = try await sandbox.run(["learn", "mine", "--json"])
        #expect(mined.exitCode == 0, "\(mined.transcript)")
        let found = try mined.singleJSONObject()["patterns"]?.arrayValue ?? []
        #expect(found.first { $0["type"] == "recurring_task" }?["status"] == "dismissed")
        let list = try await sandbox.run(["learn", "list", "--json"])
        let listed = try list.singleJSONObject()
        #expect(listed["patterns"]?.arrayValue?.contains { $0["type"] == "recurring_task" } == false)
        #expect(listed["proposed"] == [])
    }

    @Test func anUnknownNameFailsNamingTheProposals() async throws {
        let (sandbox, _) = try await seeded()
        for action in ["approve", "dismiss", "view"] {
            let run = try await sandbox.run(["learn", action, "no-such-skill"])
            #expect(run.exitCode == 1, "\(run.transcript)")
            #expect(run.stdout.isEmpty)
            #expect(
                run.stderr == "error: no proposed skill named 'no-such-skill'. Proposed skills: summarize-in-bullets.\n"
            )
        }
        let escape = try await sandbox.run(["learn", "approve", "../proposed"])
        #expect(escape.exitCode == 1, "\(escape.transcript)")
        #expect(FileManager.default.fileExists(atPath: LearnSeed.dataDir(sandbox) + proposalPath))
    }

    @Test func listingAnEmptyHomeCreatesNoDatabase() async throws {
        let sandbox = try CLISandbox()
        let run = try await sandbox.run(["learn", "list", "--json"])
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(try run.singleJSONObject() == ["patterns": [], "proposed": []])
        #expect(!FileManager.default.fileExists(atPath: LearnSeed.dataDir(sandbox) + "/openkoi.db"))
    }

    @Test func mineProposeAsksTheSmallModelAndSavesAProposalPerConfidentPattern() async throws {
        let sandbox = try CLISandbox()
        _ = try await LearnSeed.minedStore(in: sandbox)
        let server = try OpenAIChatEndpoint { body in
            ChatReplies.text(LearnSeed.reply(name: LearnSeed.requestedName(in: body) ?? "?"))
        }
        defer { server.shutdown() }
        let run = try await sandbox.run(
            ["learn", "mine", "--propose", "--json"], environment: openAIEnvironment(baseURL: server.baseURL))
        #expect(run.exitCode == 0, "\(run.transcript)")
        let object = try run.singleJSONObject()
        let names = (object["proposed"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        // The recurring task first, then its category; the time-of-day habit gets no skill.
        #expect(names == [LearnSeed.proposalName, "writing-tasks"], "\(run.transcript)")
        #expect(object["rejected"] == [])
        let bodies = await server.requests.map(\.bodyText)
        #expect(bodies.count == 2)
        #expect(bodies.allSatisfy { $0.contains(#""model":"gpt-4.1-mini""#) }, "\(bodies)")
        for name in names {
            let text = try #require(sandbox.read(LearnSeed.skillsDir(sandbox) + "/proposed/\(name)/SKILL.md"))
            #expect(text == LearnSeed.skill(name: name))
        }
    }

    @Test func mineRefusesWhenMiningIsOff() async throws {
        let sandbox = try CLISandbox()
        let config = try sandbox.write("off.toml", "[patterns]\nenabled = false\n")
        let run = try await sandbox.run(["learn", "mine", "--config", config])
        #expect(run.exitCode == 1, "\(run.transcript)")
        #expect(
            run.stderr == "error: pattern mining is off ([patterns] enabled = false in \(config)); set it to true\n")
    }

    @Test func afterTasksMinesWhenDueAndProposesOnlyWithAutoPropose() async throws {
        let sandbox = try CLISandbox()
        let store = try await LearnSeed.minedStore(in: sandbox, mine: false)
        let server = try OpenAIChatEndpoint { body in
            ChatReplies.text(LearnSeed.reply(name: LearnSeed.requestedName(in: body) ?? "?"))
        }
        defer { server.shutdown() }
        let environment = sandbox.baseEnvironment.merging(openAIEnvironment(baseURL: server.baseURL)) { $1 }
        let quiet = try sandbox.write("quiet.toml", "[patterns]\nauto_propose = false\n")
        let manual = PatternUpkeep(
            session: try Session(options: .forConfig(quiet), quiet: true, environment: environment))
        await manual.afterTasks()
        // Mined and recorded, but nothing proposed and no model asked.
        #expect(try await store.lastMinedAt() != nil)
        #expect(try await store.patterns().contains { $0.type == .recurringTask && $0.status == .detected })
        #expect(await server.requests.isEmpty)

        // Due again only after the interval: a clock a day later, with auto_propose on.
        let automatic = PatternUpkeep(
            session: try Session(options: .forConfig(nil), quiet: true, environment: environment))
        await automatic.afterTasks()
        #expect(await server.requests.isEmpty)
        await automatic.afterTasks(now: Date().addingTimeInterval(24 * 3600 + 60))
        #expect(await server.requests.count == 2)
        #expect(try await store.pattern(proposing: LearnSeed.proposalName)?.status == .proposed)
        #expect(sandbox.read(LearnSeed.skillsDir(sandbox) + "/proposed/writing-tasks/SKILL.md") != nil)
    }
}
