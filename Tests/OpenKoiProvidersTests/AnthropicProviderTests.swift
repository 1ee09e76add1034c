import OpenKoiCore
import OpenKoiTesting
import Testing

@testable import OpenKoiProviders

struct AnthropicProviderTests {
    let key = "sk-ant-test-secret-1234"

    func provider(_ transport: any HTTPTransport) -> AnthropicProvider {
        AnthropicProvider(baseURL: "http://127.0.0.1:1", apiKey: key, transport: transport)
    }

    @Test func streamedTextWithCacheUsage() async throws {
        let transport = ScriptedTransport([
            .respond(
                chunks: AnthropicFixtures.textStream(
                    ["Hel", "lo"], input: 12, output: 7, cacheRead: 100, cacheWrite: 50))
        ])
        let request = ChatRequest(model: "claude-sonnet-4-20250514", system: "Be brief.", messages: [.user("Hi")])
        let (events, error) = await drain(provider(transport).stream(request))
        #expect(error == nil)
        #expect(
            events == [
                .usage(TokenUsage(inputTokens: 12, outputTokens: 1, cacheReadTokens: 100, cacheWriteTokens: 50)),
                .textDelta("Hel"), .textDelta("lo"), .usage(TokenUsage(outputTokens: 7)), .stop(.endTurn),
            ])
        let response = try await ChatResponse.collect(
            provider(ScriptedTransport([.respond(chunks: AnthropicFixtures.textStream(["a"], output: 7))])).stream(
                request))
        #expect(response.usage == TokenUsage(inputTokens: 10, outputTokens: 7))

        let sent = try #require(await transport.requests.first)
        #expect(sent.url == "http://127.0.0.1:1/v1/messages")
        #expect(sent.headers["x-api-key"] == key)
        #expect(sent.headers["anthropic-version"] == "2023-06-01")
        let body = try #require(sent.body)
        #expect(body["max_tokens"] == 4096)
        #expect(body["stream"] == true)
        #expect(body["system"] == [["type": "text", "text": "Be brief.", "cache_control": ["type": "ephemeral"]]])
        #expect(body["messages"] == [["role": "user", "content": [["type": "text", "text": "Hi"]]]])
    }

    @Test func toolUseInputIsAssembledFromJSONDeltas() async throws {
        let transport = ScriptedTransport([
            .respond(
                chunks: AnthropicFixtures.toolUseStream(
                    text: "Checking.", id: "toolu_01", name: "get_weather",
                    inputPieces: ["{\"city\": ", "\"Par", "is\"}"]))
        ])
        let response = try await provider(transport).chat(
            ChatRequest(model: "claude-sonnet-4-20250514", messages: [.user("weather?")], tools: [weatherTool]))
        #expect(response.content == "Checking.")
        #expect(response.toolCalls == [ToolCall(id: "toolu_01", name: "get_weather", arguments: ["city": "Paris"])])
        #expect(response.stopReason == .toolUse)
        let body = try #require(await transport.requests.first?.body)
        #expect(
            body["tools"] == [
                [
                    "name": "get_weather", "description": "Current weather for a city",
                    "input_schema": weatherTool.parameters,
                ]
            ])
    }

    @Test func toolResultsAreMergedIntoOneUserTurn() async throws {
        let a = ToolCall(id: "toolu_a", name: "get_weather", arguments: ["city": "Paris"])
        let b = ToolCall(id: "toolu_b", name: "get_weather", arguments: ["city": "Oslo"])
        let transport = ScriptedTransport([.respond(chunks: AnthropicFixtures.textStream(["ok"]))])
        let request = ChatRequest(
            model: "claude-sonnet-4-20250514",
            messages: [
                .user("weather?"), .assistant("Let me check.", toolCalls: [a, b]),
                .toolResult(for: a, content: "sunny"),
                .toolResult(for: b, content: "snow"),
            ])
        _ = try await provider(transport).chat(request)
        let messages = try #require(await transport.requests.first?.body?["messages"])
        #expect(
            messages == [
                ["role": "user", "content": [["type": "text", "text": "weather?"]]],
                [
                    "role": "assistant",
                    "content": [
                        ["type": "text", "text": "Let me check."],
                        ["type": "tool_use", "id": "toolu_a", "name": "get_weather", "input": ["city": "Paris"]],
                        ["type": "tool_use", "id": "toolu_b", "name": "get_weather", "input": ["city": "Oslo"]],
                    ],
                ],
                [
                    "role": "user",
                    "content": [
                        ["type": "tool_result", "tool_use_id": "toolu_a", "content": "sunny"],
                        ["type": "tool_result", "tool_use_id": "toolu_b", "content": "snow"],
                    ],
                ],
            ])
    }

    @Test func rateLimitWithoutRetryAfterHasNoHint() async throws {
        let transport = ScriptedTransport([.respond(status: 429, chunks: [AnthropicFixtures.rateLimited])])
        let (_, error) = await drain(provider(transport).stream(ChatRequest(model: "m", messages: [.user("x")])))
        let failure = try #require(error as? ProviderError)
        #expect(failure.kind == .rateLimited(retryAfter: nil))
        #expect(failure.isRetriable)
    }

    @Test func promptTooLongIsContextOverflow() async throws {
        let transport = ScriptedTransport([.respond(status: 400, chunks: [AnthropicFixtures.contextOverflow])])
        let (_, error) = await drain(provider(transport).stream(ChatRequest(model: "m", messages: [.user("x")])))
        let failure = try #require(error as? ProviderError)
        #expect(failure.kind == .contextOverflow)
        #expect(failure.message.contains("prompt is too long"))
    }

    @Test func overloadedErrorEventIsRetriable() async throws {
        let transport = ScriptedTransport([
            .respond(chunks: [AnthropicFixtures.messageStart(input: 5), AnthropicFixtures.overloadedEvent])
        ])
        let (events, error) = await drain(provider(transport).stream(ChatRequest(model: "m", messages: [.user("x")])))
        #expect(events == [.usage(TokenUsage(inputTokens: 5, outputTokens: 1))])
        let failure = try #require(error as? ProviderError)
        #expect(failure.kind == .http(status: 529))
        #expect(failure.isRetriable)
    }

    @Test func invalidKeyIsAnAuthenticationError() async throws {
        let transport = ScriptedTransport([.respond(status: 401, chunks: [AnthropicFixtures.invalidAPIKey])])
        let (_, error) = await drain(provider(transport).stream(ChatRequest(model: "m", messages: [.user("x")])))
        let failure = try #require(error as? ProviderError)
        #expect(failure.kind == .authentication)
        #expect(failure.provider == "anthropic")
        #expect(!failure.description.contains(key))
    }

    @Test func truncatedStreamSaysSo() async throws {
        let transport = ScriptedTransport([
            .respond(chunks: Array(AnthropicFixtures.textStream(["a", "b"]).dropLast(2)))
        ])
        let (events, error) = await drain(provider(transport).stream(ChatRequest(model: "m", messages: [.user("x")])))
        #expect(events.contains(.textDelta("b")))
        let failure = try #require(error as? ProviderError)
        #expect(failure.kind == .malformedResponse)
        #expect(failure.message.contains("truncated"))
    }

    @Test func malformedEventIsAClearError() async throws {
        let transport = ScriptedTransport([
            .respond(chunks: [AnthropicFixtures.messageStart(input: 1), "event: ping\ndata: {oops\n\n"])
        ])
        let (_, error) = await drain(provider(transport).stream(ChatRequest(model: "m", messages: [.user("x")])))
        #expect((error as? ProviderError)?.kind == .malformedResponse)
    }

    @Test func systemMessagesMoveToTheSystemField() {
        let body = AnthropicRequestBody.make(
            ChatRequest(
                model: "m", system: "A", messages: [.system("B"), .user("hi")], maxTokens: 99, temperature: 0.5))
        #expect(body["system"]?[0]?["text"] == "A\n\nB")
        #expect(body["messages"]?.arrayValue?.count == 1)
        #expect(body["max_tokens"] == 99)
        #expect(body["temperature"] == 0.5)
    }
}
