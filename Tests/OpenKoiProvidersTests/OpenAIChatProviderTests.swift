import FoundationEssentials
import OpenKoiCore
import OpenKoiTesting
import Testing

@testable import OpenKoiProviders

struct OpenAIChatProviderTests {
    let key = "sk-test-secret-7890"

    func provider(_ transport: any HTTPTransport, key: String? = "sk-test-secret-7890") -> OpenAIChatProvider {
        OpenAIChatProvider(baseURL: "http://127.0.0.1:1/v1/", apiKey: key, transport: transport)
    }

    @Test func streamedTextArrivesAsDeltasWithUsageAndStop() async throws {
        let transport = ScriptedTransport([
            .respond(chunks: OpenAIFixtures.textStream(["Hel", "lo"], prompt: 12, completion: 3, cached: 4))
        ])
        let request = ChatRequest(
            model: "gpt-4.1", system: "Be brief.", messages: [.user("Hi")], maxTokens: 100, temperature: 0.2)
        let (events, error) = await drain(provider(transport).stream(request))
        #expect(error == nil)
        #expect(
            events == [
                .textDelta("Hel"), .textDelta("lo"),
                .usage(TokenUsage(inputTokens: 8, outputTokens: 3, cacheReadTokens: 4)), .stop(.endTurn),
            ])

        let sent = try #require(await transport.requests.first)
        #expect(sent.method == "POST")
        #expect(sent.url == "http://127.0.0.1:1/v1/chat/completions")
        #expect(sent.headers["authorization"] == "Bearer \(key)")
        let body = try #require(sent.body)
        #expect(body["stream"] == true)
        #expect(body["stream_options"] == ["include_usage": true])
        #expect(body["max_tokens"] == 100)
        #expect(body["temperature"] == 0.2)
        #expect(body["tools"] == nil)
        #expect(body["messages"] == [["role": "system", "content": "Be brief."], ["role": "user", "content": "Hi"]])
    }

    @Test func streamedToolCallDeltasAreAssembledByIndex() async throws {
        let calls = [
            OpenAIFixtures.StreamedToolCall(
                id: "call_a", name: "get_weather", argumentPieces: ["{\"ci", "ty\": \"Par", "is\"}"]),
            OpenAIFixtures.StreamedToolCall(
                id: "call_b", name: "get_weather", argumentPieces: ["{\"city\":", " \"Oslo\"}"]),
        ]
        let transport = ScriptedTransport([.respond(chunks: OpenAIFixtures.toolCallStream(calls))])
        let response = try await provider(transport).chat(
            ChatRequest(model: "gpt-4.1", messages: [.user("weather?")], tools: [weatherTool]))
        #expect(
            response.toolCalls == [
                ToolCall(id: "call_a", name: "get_weather", arguments: ["city": "Paris"]),
                ToolCall(id: "call_b", name: "get_weather", arguments: ["city": "Oslo"]),
            ])
        #expect(response.stopReason == .toolUse)
        let body = try #require(await transport.requests.first?.body)
        #expect(
            body["tools"] == [
                [
                    "type": "function",
                    "function": [
                        "name": "get_weather", "description": "Current weather for a city",
                        "parameters": weatherTool.parameters,
                    ],
                ]
            ])
    }

    /// Copilot's Claude models put text and tool calls in separate choices of one chunk, both
    /// numbering their calls from 0; neither may be dropped.
    @Test func textAndToolCallsInSeparateChoicesOfOneChunkAreBothKept() async throws {
        let chunk = """
            data: {"choices":[{"index":0,"delta":{"content":"Reading it."},"finish_reason":"stop"},\
            {"index":1,"delta":{"tool_calls":[{"index":0,"id":"toolu_1","type":"function",\
            "function":{"name":"read_file","arguments":"{\\"path\\":\\"a.py\\"}"}}]},\
            "finish_reason":"tool_calls"}]}


            """
        let transport = ScriptedTransport([.respond(chunks: [chunk, "data: [DONE]\n\n"])])
        let response = try await provider(transport).chat(
            ChatRequest(model: "claude-sonnet-4", messages: [.user("go")]))
        #expect(response.content == "Reading it.")
        #expect(response.toolCalls == [ToolCall(id: "toolu_1", name: "read_file", arguments: ["path": "a.py"])])
        #expect(response.stopReason == .toolUse)
    }

    @Test func invalidToolArgumentsAreKeptAsRawText() async throws {
        let call = OpenAIFixtures.StreamedToolCall(
            id: "call_x", name: "get_weather", argumentPieces: ["{\"city\": Par"])
        let transport = ScriptedTransport([.respond(chunks: OpenAIFixtures.toolCallStream([call]))])
        let response = try await provider(transport).chat(
            ChatRequest(model: "gpt-4.1", messages: [.user("x")], tools: [weatherTool]))
        #expect(response.toolCalls.first?.arguments == .string("{\"city\": Par"))
    }

    @Test func toolTurnsAreEncodedAsToolCallsAndToolMessages() async throws {
        let call = ToolCall(id: "call_1", name: "get_weather", arguments: ["city": "Paris"])
        let raw = ToolCall(id: "call_2", name: "get_weather", arguments: .string("{bad"))
        let transport = ScriptedTransport([.respond(chunks: OpenAIFixtures.textStream(["ok"]))])
        let request = ChatRequest(
            model: "gpt-4.1",
            messages: [
                .user("weather?"), .assistant("", toolCalls: [call, raw]), .toolResult(for: call, content: "sunny"),
                .toolResult(for: raw, content: "error: arguments are not JSON"),
            ], tools: [weatherTool])
        _ = try await provider(transport).chat(request)
        let messages = try #require(await transport.requests.first?.body?["messages"]?.arrayValue)
        #expect(messages.count == 4)
        #expect(messages[1]["content"] == .null)
        #expect(
            messages[1]["tool_calls"] == [
                [
                    "id": "call_1", "type": "function",
                    "function": ["name": "get_weather", "arguments": "{\"city\":\"Paris\"}"],
                ],
                ["id": "call_2", "type": "function", "function": ["name": "get_weather", "arguments": "{bad"]],
            ])
        #expect(messages[2] == ["role": "tool", "content": "sunny", "tool_call_id": "call_1", "name": "get_weather"])
    }

    @Test(arguments: ["o3-mini", "o1", "o4-mini", "gpt-5", "openai/o3-mini"])
    func reasoningModelsGetCompletionTokenLimitAndNoTemperature(model: String) async throws {
        let transport = ScriptedTransport([.respond(chunks: OpenAIFixtures.textStream(["ok"]))])
        _ = try await provider(transport).chat(
            ChatRequest(model: model, messages: [.user("x")], maxTokens: 50, temperature: 0.7))
        let body = try #require(await transport.requests.first?.body)
        #expect(body["max_completion_tokens"] == 50)
        #expect(body["max_tokens"] == nil)
        #expect(body["temperature"] == nil)
    }

    @Test func keylessHostsGetNoAuthorizationHeader() async throws {
        let transport = ScriptedTransport([.respond(chunks: OpenAIFixtures.textStream(["ok"]))])
        _ = try await provider(transport, key: nil).chat(ChatRequest(model: "smollm2", messages: [.user("x")]))
        #expect(await transport.requests.first?.headers["authorization"] == nil)
    }

    @Test func rateLimitReadsRetryAfterSecondsMillisecondsAndDates() async throws {
        let cases: [([String: String], Double?)] = [
            (["retry-after": "2"], 2), (["retry-after-ms": "1500", "retry-after": "9"], 1.5), ([:], nil),
        ]
        for (headers, expected) in cases {
            let transport = ScriptedTransport([
                .respond(status: 429, headers: headers, chunks: [OpenAIFixtures.rateLimited])
            ])
            let (_, error) = await drain(
                provider(transport).stream(ChatRequest(model: "gpt-4.1", messages: [.user("x")])))
            let failure = try #require(error as? ProviderError)
            #expect(failure.kind == .rateLimited(retryAfter: expected))
            #expect(failure.provider == "openai")
            #expect(failure.isRetriable)
        }
        let now = Date(timeIntervalSince1970: 784_111_770)  // 30 s before the date below
        #expect(RetryAfter.seconds(from: ["retry-after": "Sun, 06 Nov 1994 08:49:37 GMT"], now: now) == 7)
        // A hostile year is no hint at all, not an integer overflow.
        for year in ["9223372036854775807", "-9223372036854775808", "99999"] {
            #expect(RetryAfter.seconds(from: ["retry-after": "Sun, 06 Nov \(year) 08:49:37 GMT"], now: now) == nil)
        }
    }

    @Test func insufficientQuotaIsNotRetried() async throws {
        let body = OpenAIFixtures.error(
            message: "You exceeded your current quota", type: "insufficient_quota", code: "insufficient_quota")
        let transport = ScriptedTransport([.respond(status: 429, chunks: [body])])
        let (_, error) = await drain(provider(transport).stream(ChatRequest(model: "gpt-4.1", messages: [.user("x")])))
        #expect((error as? ProviderError)?.isRetriable == false)
    }

    @Test(arguments: [OpenAIFixtures.contextOverflow, OpenAIFixtures.llamaCppContextOverflow])
    func contextOverflowIsClassified(body: String) async throws {
        let transport = ScriptedTransport([.respond(status: 400, chunks: [body])])
        let (_, error) = await drain(provider(transport).stream(ChatRequest(model: "gpt-4.1", messages: [.user("x")])))
        #expect((error as? ProviderError)?.kind == .contextOverflow)
    }

    @Test func authenticationErrorsNeverShowTheKey() async throws {
        // A server that echoes the key back must not get it into the error text.
        let echo = OpenAIFixtures.error(
            message: "Incorrect API key provided: \(key)", type: "invalid_request_error", code: "invalid_api_key")
        let transport = ScriptedTransport([.respond(status: 401, chunks: [echo])])
        let subject = provider(transport)
        let (_, error) = await drain(subject.stream(ChatRequest(model: "gpt-4.1", messages: [.user("x")])))
        let failure = try #require(error as? ProviderError)
        #expect(failure.kind == .authentication)
        #expect(!"\(failure)".contains(key))
        #expect(failure.message.contains("invalid_api_key"))
        #expect(!"\(subject)".contains(key))
        // A fresh transport: the scripted one records request headers, which hold the key by design.
        var dumped = ""
        dump(provider(ScriptedTransport([])), to: &dumped)
        #expect(!dumped.contains(key))
    }

    @Test func serverErrorsAreRetriableHTTPErrors() async throws {
        let transport = ScriptedTransport([.respond(status: 500, chunks: [OpenAIFixtures.serverError])])
        let (_, error) = await drain(provider(transport).stream(ChatRequest(model: "gpt-4.1", messages: [.user("x")])))
        let failure = try #require(error as? ProviderError)
        #expect(failure.kind == .http(status: 500))
        #expect(failure.isRetriable)
        #expect(failure.message.contains("The server had an error"))
    }

    @Test func malformedChunkIsAClearError() async throws {
        let transport = ScriptedTransport([
            .respond(chunks: [OpenAIFixtures.delta(["content": "a"]), "data: {not json\n\n"])
        ])
        let (events, error) = await drain(
            provider(transport).stream(ChatRequest(model: "gpt-4.1", messages: [.user("x")])))
        #expect(events == [.textDelta("a")])
        let failure = try #require(error as? ProviderError)
        #expect(failure.kind == .malformedResponse)
        #expect(failure.message.contains("not valid JSON"))
    }

    @Test func truncatedStreamsSaySo() async throws {
        // Cut at an event boundary (our decoder notices) and inside an event (the SSE parser notices).
        for chunks in [
            [OpenAIFixtures.delta(["content": "a"])], [OpenAIFixtures.delta(["content": "a"]), "data: {\"choi"],
        ] {
            let transport = ScriptedTransport([.respond(chunks: chunks)])
            let (_, error) = await drain(
                provider(transport).stream(ChatRequest(model: "gpt-4.1", messages: [.user("x")])))
            let failure = try #require(error as? ProviderError)
            #expect(failure.kind == .malformedResponse)
            #expect(failure.message.contains("truncated"))
            #expect(failure.provider == "openai")
        }
    }

    @Test func errorChunkAfterTheHeadIsClassified() async throws {
        let chunk = "data: \(OpenAIFixtures.llamaCppContextOverflow)\n\n"
        let transport = ScriptedTransport([.respond(chunks: [chunk])])
        let (_, error) = await drain(provider(transport).stream(ChatRequest(model: "smollm2", messages: [.user("x")])))
        #expect((error as? ProviderError)?.kind == .contextOverflow)
    }

    @Test func transportFailuresNameTheProvider() async throws {
        let transport = ScriptedTransport([.fail(ProviderError(.timeout, provider: "", message: "timed out after 1 s"))]
        )
        let (_, error) = await drain(provider(transport).stream(ChatRequest(model: "gpt-4.1", messages: [.user("x")])))
        #expect(
            (error as? ProviderError) == ProviderError(.timeout, provider: "openai", message: "timed out after 1 s"))
    }

    @Test func modelListIsParsedAndEnrichedFromTheCatalog() async throws {
        let transport = ScriptedTransport([
            .respond(chunks: [OpenAIFixtures.modelList(["gpt-4.1", "ft:gpt-4.1:acme", "smollm2"])])
        ])
        let models = try await provider(transport).models()
        #expect(models.map(\.id) == ["gpt-4.1", "smollm2"])
        #expect(models.first?.contextWindow == 1_047_576)
        #expect(await transport.requests.first?.url == "http://127.0.0.1:1/v1/models")
    }
}
