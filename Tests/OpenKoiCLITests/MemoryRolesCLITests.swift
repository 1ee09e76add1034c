import FoundationEssentials
import OpenKoiCore
import OpenKoiTesting
import Testing

/// `[models] embedder` on a provider's embedding API, and an approved skill chosen for a task.
struct MemoryRolesCLITests {
    /// An OpenAI-compatible host with chat, a model list and `/embeddings` (a vector from the
    /// text's words, so related texts are near and the request can be checked).
    static func server() throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer { request in
            let path = request.path.split(separator: "?").first.map(String.init) ?? request.path
            switch path {
            case "/v1/models":
                return .json(#"{"object":"list","data":[{"id":"gpt-4.1"},{"id":"text-embedding-3-small"}]}"#)
            case "/v1/embeddings":
                let inputs = JSONValue.parse(request.bodyText)?["input"]?.arrayValue?.compactMap(\.stringValue) ?? []
                let rows = inputs.enumerated().map { index, text -> String in
                    let words = Set(text.lowercased().split { !$0.isLetter }.map(String.init))
                    let vector = ["port", "socket", "network", "number", "range", "haiku", "poem", "autumn"].map {
                        words.contains($0) ? "1.0" : "0.01"
                    }
                    return #"{"object":"embedding","index":\#(index),"embedding":[\#(vector.joined(separator: ","))]}"#
                }
                return .json(#"{"object":"list","data":[\#(rows.joined(separator: ","))]}"#)
            case "/v1/chat/completions":
                return ChatReplies.text(
                    ChatReplies.isJudgeRequest(request.bodyText) ? ChatReplies.passingVerdict : "done")
            default:
                return .json(status: 404, #"{"error":{"message":"no such path"}}"#)
            }
        }
    }

    @Test func theEmbedderRoleRunsOnItsProvidersEmbeddingAPI() async throws {
        let sandbox = try CLISandbox()
        let server = try Self.server()
        defer { server.shutdown() }
        let config = try sandbox.write("embed.toml", "[models]\nembedder = \"openai/text-embedding-3-small\"\n")
        let environment = openAIEnvironment(baseURL: server.baseURL + "/v1")
        let first = try await sandbox.run(
            ["--config", config, "-m", "openai/gpt-4.1", "Validate the port number in the socket range"],
            environment: environment)
        #expect(first.exitCode == 0, "\(first.transcript)")
        let second = try await sandbox.run(
            ["--config", config, "-m", "openai/gpt-4.1", "Is this network number in range?"], environment: environment)
        #expect(
            second.stderr.contains("[recall] 1 similar task(s) [hybrid: keywords + openai/text-embedding-3-small]"),
            "\(second.stderr)")
        let embeddings = await server.requests.filter { $0.path.hasPrefix("/v1/embeddings") }
        #expect(!embeddings.isEmpty)
        #expect(embeddings.allSatisfy { JSONValue.parse($0.bodyText)?["model"] == "text-embedding-3-small" })
        #expect(embeddings.allSatisfy { $0.header("Authorization") == "Bearer test-key" })
        let status = try await sandbox.run(["status", "--config", config])
        #expect(status.stdout.contains("embedder:  openai/text-embedding-3-small"), "\(status.stdout)")
        #expect(status.stdout.contains("vectors: openai/text-embedding-3-small 2"), "\(status.stdout)")
    }

    @Test func anApprovedProposalIsChosenForAMatchingTaskAndSentInThePrompt() async throws {
        let sandbox = try CLISandbox()
        let proposed = sandbox.openkoiHome + "/data/skills/proposed/csv-cleanup"
        try FileManager.default.createDirectory(atPath: proposed, withIntermediateDirectories: true)
        let skill = """
            ---
            name: csv-cleanup
            description: Clean up a CSV export before it is imported
            kind: task
            metadata:
              categories: [code]
            ---
            1. Strip the byte-order mark.
            2. Normalise line endings to LF.
            """
        try Data(skill.utf8).write(to: URL(fileURLWithPath: proposed + "/SKILL.md"))
        let server = try OpenAIChatEndpoint(executorAnswer: { _ in "cleaned" })
        defer { server.shutdown() }
        let environment = openAIEnvironment(baseURL: server.baseURL)
        let task = ["-m", "openai/gpt-4.1", "Use csv-cleanup on the python export script"]

        let before = try await sandbox.run(task, environment: environment)
        #expect(before.exitCode == 0, "\(before.transcript)")
        #expect(!before.stderr.contains("skill csv-cleanup"), "a proposal is never used: \(before.stderr)")

        let approve = try await sandbox.run(["learn", "approve", "csv-cleanup"])
        #expect(approve.exitCode == 0, "\(approve.transcript)")
        let count = await server.requests.count
        let after = try await sandbox.run(task, environment: environment)
        #expect(after.exitCode == 0, "\(after.transcript)")
        #expect(after.stderr.contains("skills: csv-cleanup"), "\(after.stderr)")
        #expect(after.stderr.contains("- skill csv-cleanup: named in the task"), "\(after.stderr)")
        let prompts = await server.requests.dropFirst(count).map(\.bodyText).filter { !ChatReplies.isJudgeRequest($0) }
        #expect(!prompts.isEmpty)
        #expect(prompts.allSatisfy { $0.contains("# Skill: csv-cleanup") && $0.contains("Strip the byte-order mark.") })
    }
}
