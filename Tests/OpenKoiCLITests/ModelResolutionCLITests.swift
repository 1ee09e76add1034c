import FoundationEssentials
import OpenKoiCore
import OpenKoiTesting
import Testing

/// `-m provider/model` is checked against the provider's list: a typo never runs on some other model,
/// and a unique prefix of a listed id runs on that id with a note.
struct ModelResolutionCLITests {
    static let listed = ["gpt-4.1", "gpt-4.1-mini", "gpt-4o"]

    static func chatRequests(_ server: FakeOpenAIServer) async -> [RecordedRequest] {
        await server.server.requests.filter { $0.method == "POST" && $0.path == "/v1/chat/completions" }
    }

    @Test func aTypoFailsWithSuggestionsAndSendsNoChatRequest() async throws {
        let sandbox = try CLISandbox()
        let server = try FakeOpenAIServer([.text(["4"]), .text([ChatReplies.passingVerdict])], models: Self.listed)
        defer { server.shutdown() }
        let run = try await sandbox.run(
            ["-m", "openai/gpt-4.1-typo", "What is 2+2?"], environment: openAIEnvironment(baseURL: server.baseURL))
        #expect(run.exitCode != 0, "\(run.transcript)")
        #expect(run.stdout == "")
        let error = try #require(run.stderr.split(separator: "\n").first { $0.hasPrefix("error: ") }, "\(run.stderr)")
        #expect(error.contains("model 'gpt-4.1-typo' not found in OpenAI"), "\(error)")
        #expect(error.contains("Did you mean: gpt-4.1"), "\(error)")
        #expect(error.contains("openkoi models --provider openai"), "\(error)")
        #expect(await Self.chatRequests(server).isEmpty, "no chat request for a model that does not exist")
    }

    @Test func aTypoWithJSONPrintsAFailedResult() async throws {
        let sandbox = try CLISandbox()
        let server = try FakeOpenAIServer([], models: Self.listed)
        defer { server.shutdown() }
        let run = try await sandbox.run(
            ["--json", "-m", "openai/gpt-4.1-typo", "What is 2+2?"],
            environment: openAIEnvironment(baseURL: server.baseURL))
        #expect(run.exitCode != 0, "\(run.transcript)")
        let result = try run.singleJSONObject()
        #expect(result["status"] == "failed")
        #expect(result["error"]?.stringValue?.contains("Did you mean: gpt-4.1") == true, "\(run.stdout)")
        #expect(await Self.chatRequests(server).isEmpty)
    }

    @Test func aUniquePrefixRunsOnTheFullIdWithANote() async throws {
        let sandbox = try CLISandbox()
        let server = try FakeOpenAIServer([.text(["4"]), .text([ChatReplies.passingVerdict])], models: Self.listed)
        defer { server.shutdown() }
        let run = try await sandbox.run(
            ["-m", "openai/gpt-4.1-m", "What is 2+2?"], environment: openAIEnvironment(baseURL: server.baseURL))
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(run.stdout == "4\n")
        let lines = run.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains("  Note: 'gpt-4.1-m' resolved to 'gpt-4.1-mini'"), "\(run.stderr)")
        let chats = await Self.chatRequests(server)
        #expect(chats.count == 2)
        #expect(chats.allSatisfy { JSONValue.parse($0.body)?["model"] == "gpt-4.1-mini" })
    }

    @Test func theListIsAskedForOnceAndThenCached() async throws {
        let sandbox = try CLISandbox()
        let server = try FakeOpenAIServer(
            [.text(["4"]), .text([ChatReplies.passingVerdict]), .text(["4"]), .text([ChatReplies.passingVerdict])],
            models: Self.listed)
        defer { server.shutdown() }
        for _ in 0..<2 {
            let run = try await sandbox.run(
                ["--quiet", "-m", "openai/gpt-4o", "What is 2+2?"],
                environment: openAIEnvironment(baseURL: server.baseURL))
            #expect(run.exitCode == 0, "\(run.transcript)")
            #expect(run.stdout == "4\n")
        }
        let lists = await server.server.requests.filter { $0.path == "/v1/models" }
        #expect(lists.count == 1, "the second run checks the model against the cached list")
    }

    /// `-m ?` asks on a terminal; without one it fails with every model it could have offered.
    @Test func pickingAModelWithoutATerminalListsTheChoices() async throws {
        let sandbox = try CLISandbox()
        let server = try FakeOpenAIServer([], models: Self.listed)
        defer { server.shutdown() }
        for flags in [["-m", "?"], ["--select-model"]] {
            let run = try await sandbox.run(
                flags + ["What is 2+2?"], environment: openAIEnvironment(baseURL: server.baseURL))
            #expect(run.exitCode == 64, "\(run.transcript)")
            let error = try #require(run.stderr.split(separator: "\n").first { $0.hasPrefix("error: ") })
            #expect(error.contains("-m ? needs a terminal to ask on; name one of: "), "\(error)")
            #expect(error.contains("openai/gpt-4.1, openai/gpt-4.1-mini, openai/gpt-4o"), "\(error)")
        }
        #expect(await Self.chatRequests(server).isEmpty)
    }
}
