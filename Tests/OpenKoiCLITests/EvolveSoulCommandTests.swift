import FoundationEssentials
import OpenKoiCore
import OpenKoiMemory
import OpenKoiTesting
import Testing

/// `openkoi learn evolve-soul`: a small, confirmed change to SOUL.md from high-confidence lessons.
struct EvolveSoulCommandTests {
    static let soul = "# Soul\n\nI am careful.\nI verify claims.\n"
    static let evolved = "# Soul\n\nI am careful.\nI verify claims by running the tests first.\n"

    /// A sandbox whose memory holds `count` distinct lessons at confidence 0.9, and a user soul.
    func sandbox(lessons count: Int) async throws -> CLISandbox {
        let sandbox = try CLISandbox()
        let store = MemoryStore(path: sandbox.openkoiHome + "/data/openkoi.db")
        let topics = ["tests", "parsers", "migrations", "retries", "caching", "logging"]
        for topic in topics.prefix(count) {
            let spec = TaskSpec(description: "work on \(topic)")
            let result = TaskResult(
                taskID: spec.id, description: spec.description, output: "done", score: 0.9, iterations: 1,
                bestIteration: 1, decision: .accept, usage: .zero, costUSD: 0, durationMS: 10, error: nil,
                findings: [], model: "openai/gpt-4.1")
            let outcome = TaskOutcome(
                spec: spec, result: result, iterations: [], recollection: .none,
                lessons: [
                    Lesson(kind: .heuristic, content: "Check \(topic) first, before anything else", confidence: 0.9)
                ],
                executorModel: "openai/gpt-4.1")
            _ = try await store.record(outcome, session: SessionInfo(channel: "cli"), vectors: nil)
        }
        try Data(Self.soul.utf8).write(to: URL(fileURLWithPath: sandbox.openkoiHome + "/SOUL.md"))
        return sandbox
    }

    @Test func aConfirmedProposalIsWrittenAndTheOldSoulKept() async throws {
        let sandbox = try await sandbox(lessons: 5)
        let server = try OpenAIChatEndpoint { body in
            #expect(body.contains("Check migrations first"), "the lessons are in the prompt")
            return ChatReplies.text(Self.evolved)
        }
        defer { server.shutdown() }
        let soulFile = sandbox.openkoiHome + "/SOUL.md"
        let run = try await sandbox.run(
            ["learn", "evolve-soul", "-m", "openai/gpt-4.1", "--yes"],
            environment: openAIEnvironment(baseURL: server.baseURL))
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(
            run.stdout.contains("- I verify claims.\n+ I verify claims by running the tests first.\n"), "\(run.stdout)")
        #expect(run.stdout.contains("Wrote \(soulFile)"), "\(run.stdout)")
        #expect(try String(contentsOfFile: soulFile, encoding: .utf8) == Self.evolved)
        #expect(try String(contentsOfFile: soulFile + ".bak", encoding: .utf8) == Self.soul)
    }

    @Test func withoutATerminalOrYesNothingIsWritten() async throws {
        let sandbox = try await sandbox(lessons: 5)
        let server = try OpenAIChatEndpoint { _ in ChatReplies.text(Self.evolved) }
        defer { server.shutdown() }
        let run = try await sandbox.run(
            ["learn", "evolve-soul", "-m", "openai/gpt-4.1"], environment: openAIEnvironment(baseURL: server.baseURL))
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(run.stdout.contains("Not written (no terminal to ask): run again with --yes"), "\(run.stdout)")
        #expect(try String(contentsOfFile: sandbox.openkoiHome + "/SOUL.md", encoding: .utf8) == Self.soul)
    }

    @Test func tooFewLessonsAskNoModel() async throws {
        let sandbox = try await sandbox(lessons: 2)
        let server = try OpenAIChatEndpoint { _ in ChatReplies.text(Self.evolved) }
        defer { server.shutdown() }
        let run = try await sandbox.run(
            ["learn", "evolve-soul", "-m", "openai/gpt-4.1", "--yes"],
            environment: openAIEnvironment(baseURL: server.baseURL))
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(run.stdout.hasPrefix("Not enough high-confidence lessons yet (2 of 5"), "\(run.stdout)")
        #expect(await server.requests.isEmpty)
    }

    @Test func aRewriteIsRefused() async throws {
        let sandbox = try await sandbox(lessons: 5)
        let rewrite = (1...30).map { "line \($0)" }.joined(separator: "\n")
        let server = try OpenAIChatEndpoint { _ in ChatReplies.text(rewrite) }
        defer { server.shutdown() }
        let run = try await sandbox.run(
            ["learn", "evolve-soul", "-m", "openai/gpt-4.1", "--yes"],
            environment: openAIEnvironment(baseURL: server.baseURL))
        #expect(run.exitCode == 1, "\(run.transcript)")
        #expect(run.stderr.contains("at most 19 may change"), "\(run.stderr)")
        #expect(try String(contentsOfFile: sandbox.openkoiHome + "/SOUL.md", encoding: .utf8) == Self.soul)
    }
}
