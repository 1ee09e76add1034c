import FoundationEssentials
import OpenKoiCore
import OpenKoiTesting
import Testing

/// A whole task on each wire format, chosen by environment variables or a `[providers.<id>]` table.
struct ProviderTableCLITests {
    static let task = "What is 2+2?"

    @Test func aGeminiKindTableRunsOnTheGeminiWireFormat() async throws {
        let sandbox = try CLISandbox()
        let gemini = try FakeGeminiServer(
            [.text(["4"]), .text([ChatReplies.passingVerdict])], apiKey: "AIzaSy-test-mygem-key")
        defer { gemini.shutdown() }
        try sandbox.write(
            "gemini.toml",
            """
            [providers.mygem]
            kind = "gemini"
            base_url = "\(gemini.baseURL)"
            api_key_env = "MYKEY"
            """)
        let run = try await sandbox.run(
            ["--json", "--config", "gemini.toml", "-m", "mygem/gemini-2.5-flash", Self.task],
            environment: ["MYKEY": "AIzaSy-test-mygem-key"])
        #expect(run.exitCode == 0, "\(run.transcript)")
        let result = try run.singleJSONObject()
        #expect(result["output"] == "4")
        #expect(result["model"] == "mygem/gemini-2.5-flash")
        let chats = await gemini.requests.filter { $0.method == "POST" }
        #expect(chats.count == 2)
        #expect(
            chats.allSatisfy { $0.path.hasPrefix("/v1beta/models/gemini-2.5-flash:") }, "\(chats.map(\.path))")
        #expect(chats.allSatisfy { JSONValue.parse($0.body)?["contents"] != nil }, "Gemini bodies carry contents")
    }

    @Test func googleKeyAndBaseURLVariablesSelectGemini() async throws {
        let sandbox = try CLISandbox()
        let gemini = try FakeGeminiServer(
            [.text(["4"]), .text([ChatReplies.passingVerdict])], apiKey: "AIzaSy-test-google-key")
        defer { gemini.shutdown() }
        let run = try await sandbox.run(
            ["--quiet", "-m", "google/gemini-2.5-flash", Self.task],
            environment: ["GOOGLE_API_KEY": "AIzaSy-test-google-key", "GOOGLE_GEMINI_BASE_URL": gemini.baseURL])
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(run.stdout == "4\n")
        #expect(await gemini.requests.filter { $0.method == "POST" }.count == 2)
    }

    @Test func anthropicBaseURLPointsTheAnthropicProviderAtAnotherHost() async throws {
        let sandbox = try CLISandbox()
        let anthropic = try FakeAnthropicServer([.text(["4"]), .text([ChatReplies.passingVerdict])])
        defer { anthropic.shutdown() }
        let run = try await sandbox.run(
            ["--json", "-m", "anthropic/claude-sonnet-4-20250514", Self.task],
            environment: ["ANTHROPIC_API_KEY": "sk-ant-test-key-0001", "ANTHROPIC_BASE_URL": anthropic.baseURL])
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(try run.singleJSONObject()["output"] == "4")
        let requests = await anthropic.server.requests
        #expect(requests.count == 2)
        for request in requests {
            #expect(request.path == "/v1/messages")
            #expect(request.header("x-api-key") == "sk-ant-test-key-0001")
            #expect(JSONValue.parse(request.body)?["model"] == "claude-sonnet-4-20250514")
        }
    }

    @Test func bedrockRunsOnAWSVariablesAndSignsEveryRequest() async throws {
        let sandbox = try CLISandbox()
        let bedrock = try FakeBedrockServer([.text(["4"]), .text([ChatReplies.passingVerdict])], region: "us-west-2")
        defer { bedrock.shutdown() }
        let model = "anthropic.claude-sonnet-4-20250514-v1:0"
        let run = try await sandbox.run(
            ["--json", "-m", "bedrock/\(model)", Self.task],
            environment: [
                "AWS_ACCESS_KEY_ID": FakeBedrockServer.accessKeyID,
                "AWS_SECRET_ACCESS_KEY": FakeBedrockServer.secretAccessKey, "AWS_REGION": "us-west-2",
                "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": bedrock.baseURL, "AWS_ENDPOINT_URL_BEDROCK": bedrock.baseURL,
            ])
        #expect(run.exitCode == 0, "\(run.transcript)")
        let result = try run.singleJSONObject()
        #expect(result["output"] == "4")
        #expect(result["model"] == .string("bedrock/\(model)"))
        #expect(bedrock.signatureRejections.isEmpty, "\(bedrock.signatureRejections)")
        let chats = await bedrock.requests.filter { $0.method == "POST" }
        #expect(chats.count == 2)
        #expect(
            chats.allSatisfy { $0.path == "/model/anthropic.claude-sonnet-4-20250514-v1%3A0/converse-stream" },
            "\(chats.map(\.path))")
    }

    @Test func anOpenAICompatibleBuiltInUsesItsOwnVariables() async throws {
        let sandbox = try CLISandbox()
        let groq = try FakeOpenAIServer(
            [.text(["4"]), .text([ChatReplies.passingVerdict])], models: ["llama-3.3-70b-versatile", "gemma2-9b-it"])
        defer { groq.shutdown() }
        let run = try await sandbox.run(
            ["--json", "-m", "groq/llama-3.3-70b-versatile", Self.task],
            environment: ["GROQ_API_KEY": "gsk_test_key_0001", "GROQ_BASE_URL": groq.baseURL])
        #expect(run.exitCode == 0, "\(run.transcript)")
        let result = try run.singleJSONObject()
        #expect(result["output"] == "4")
        #expect(result["model"] == "groq/llama-3.3-70b-versatile")
        let chats = await groq.server.requests.filter { $0.path == "/v1/chat/completions" }
        #expect(chats.count == 2)
        for chat in chats {
            #expect(chat.header("Authorization") == "Bearer gsk_test_key_0001")
            #expect(JSONValue.parse(chat.body)?["model"] == "llama-3.3-70b-versatile")
        }
    }
}
