import OpenKoiCore
import OpenKoiTesting
import Testing

@testable import OpenKoiProviders

struct OllamaProviderTests {
    func provider(_ transport: any HTTPTransport) -> OllamaProvider {
        OllamaProvider(baseURL: "http://127.0.0.1:1", transport: transport)
    }

    @Test func streamedTextWithUsage() async throws {
        let transport = ScriptedTransport([
            .respond(chunks: OllamaFixtures.textStream(["Hel", "lo"], prompt: 9, eval: 4))
        ])
        let request = ChatRequest(
            model: "qwen2.5-coder:7b", system: "S", messages: [.user("Hi")], maxTokens: 64, temperature: 0.1)
        let (events, error) = await drain(provider(transport).stream(request))
        #expect(error == nil)
        #expect(
            events == [
                .textDelta("Hel"), .textDelta("lo"), .usage(TokenUsage(inputTokens: 9, outputTokens: 4)),
                .stop(.endTurn),
            ])
        let sent = try #require(await transport.requests.first)
        #expect(sent.url == "http://127.0.0.1:1/api/chat")
        #expect(sent.body?["stream"] == true)
        #expect(sent.body?["options"] == ["temperature": 0.1, "num_predict": 64])
        #expect(sent.body?["messages"] == [["role": "system", "content": "S"], ["role": "user", "content": "Hi"]])
    }

    @Test func toolCallsGetUniqueIdsAndToolUseStop() async throws {
        let line = OllamaFixtures.toolCallLine([
            ("get_weather", ["city": "Paris"]), ("get_weather", .string("{\"city\":\"Oslo\"}")),
        ])
        let transport = ScriptedTransport([.respond(chunks: [line, OllamaFixtures.doneLine()])])
        let response = try await provider(transport).chat(
            ChatRequest(model: "m", messages: [.user("x")], tools: [weatherTool]))
        #expect(response.toolCalls.map(\.arguments) == [["city": "Paris"], ["city": "Oslo"]])
        #expect(Set(response.toolCalls.map(\.id)).count == 2)
        #expect(response.toolCalls.allSatisfy { $0.id.hasPrefix("call_") })
        #expect(response.stopReason == .toolUse)
        #expect(await transport.requests.first?.body?["tools"]?[0]?["function"]?["name"] == "get_weather")
    }

    @Test func toolTurnsAreEncodedWithObjectArgumentsAndToolName() async throws {
        let call = ToolCall(id: "call_1", name: "get_weather", arguments: ["city": "Paris"])
        let transport = ScriptedTransport([.respond(chunks: OllamaFixtures.textStream(["ok"]))])
        _ = try await provider(transport).chat(
            ChatRequest(
                model: "m",
                messages: [.user("x"), .assistant("", toolCalls: [call]), .toolResult(for: call, content: "sunny")]))
        let messages = try #require(await transport.requests.first?.body?["messages"])
        #expect(messages[1]?["tool_calls"] == [["function": ["name": "get_weather", "arguments": ["city": "Paris"]]]])
        #expect(messages[2] == ["role": "tool", "content": "sunny", "tool_name": "get_weather"])
    }

    @Test func errorBodiesAreClassified() async throws {
        let cases: [(Int, String, ProviderError.Kind)] = [
            (404, OllamaFixtures.modelNotFound, .http(status: 404)),
            (400, OllamaFixtures.contextOverflow, .contextOverflow),
        ]
        for (status, body, kind) in cases {
            let transport = ScriptedTransport([.respond(status: status, chunks: [body])])
            let (_, error) = await drain(
                provider(transport).stream(ChatRequest(model: "nonexistent", messages: [.user("x")])))
            let failure = try #require(error as? ProviderError)
            #expect(failure.kind == kind)
            #expect(failure.provider == "ollama")
        }
        let transport = ScriptedTransport([.respond(status: 404, chunks: [OllamaFixtures.modelNotFound])])
        let (_, error) = await drain(
            provider(transport).stream(ChatRequest(model: "nonexistent", messages: [.user("x")])))
        #expect((error as? ProviderError)?.message.contains("try pulling it first") == true)
    }

    @Test func truncatedAndMalformedLinesAreClearErrors() async throws {
        let cut = ScriptedTransport([.respond(chunks: [OllamaFixtures.contentLine("a"), "{\"message\":{\"con"])])
        let (events, cutError) = await drain(provider(cut).stream(ChatRequest(model: "m", messages: [.user("x")])))
        #expect(events == [.textDelta("a")])
        #expect((cutError as? ProviderError)?.kind == .malformedResponse)
        #expect((cutError as? ProviderError)?.message.contains("truncated") == true)

        let noDone = ScriptedTransport([.respond(chunks: [OllamaFixtures.contentLine("a")])])
        let (_, noDoneError) = await drain(provider(noDone).stream(ChatRequest(model: "m", messages: [.user("x")])))
        #expect((noDoneError as? ProviderError)?.message.contains("truncated") == true)

        let garbled = ScriptedTransport([.respond(chunks: ["{oops}\n", OllamaFixtures.doneLine()])])
        let (_, garbledError) = await drain(provider(garbled).stream(ChatRequest(model: "m", messages: [.user("x")])))
        #expect((garbledError as? ProviderError)?.message.contains("not valid JSON") == true)
    }

    @Test func midStreamErrorLineIsAnError() async throws {
        let transport = ScriptedTransport([
            .respond(chunks: [OllamaFixtures.contentLine("a"), OllamaFixtures.error("out of memory") + "\n"])
        ])
        let (_, error) = await drain(provider(transport).stream(ChatRequest(model: "m", messages: [.user("x")])))
        #expect((error as? ProviderError)?.message.contains("out of memory") == true)
    }

    @Test func installedModelsAndTheBestPick() async throws {
        let transport = ScriptedTransport([
            .respond(chunks: [OllamaFixtures.tags(["llama3.2:3b", "qwen2.5-coder:7b"])])
        ])
        let models = try await provider(transport).models()
        #expect(models.map(\.id) == ["llama3.2:3b", "qwen2.5-coder:7b"])
        #expect(models.allSatisfy { $0.pricing == .free })
        #expect(OllamaProvider.preferredModel(among: models.map(\.id)) == "qwen2.5-coder:7b")
        #expect(OllamaProvider.preferredModel(among: ["phi3", "tinyllama"]) == "phi3")
        #expect(OllamaProvider.preferredModel(among: []) == nil)
    }
}
