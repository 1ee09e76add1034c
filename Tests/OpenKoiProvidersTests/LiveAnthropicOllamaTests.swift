import OpenKoiCore
import OpenKoiTesting
import Testing

@testable import OpenKoiProviders

/// Anthropic and Ollama adapters against their fakes over real HTTP (libcurl to 127.0.0.1).
struct LiveAnthropicOllamaTests {
    let request = ChatRequest(model: "claude-sonnet-4-20250514", messages: [.user("Hi")])

    func anthropic(_ fake: FakeAnthropicServer) -> AnthropicProvider {
        AnthropicProvider(baseURL: fake.baseURL, apiKey: "sk-ant-live-5678", transport: CurlTransport())
    }

    func ollama(_ fake: FakeOllamaServer) -> OllamaProvider {
        OllamaProvider(baseURL: fake.baseURL, transport: CurlTransport())
    }

    @Test func anthropicStreamedAnswerAndToolRound() async throws {
        let fake = try FakeAnthropicServer([
            .text(["Hel", "lo"], inputTokens: 12, outputTokens: 2, cacheRead: 40),
            .toolUse(text: "Checking.", id: "toolu_7", name: "get_weather", inputPieces: ["{\"city\":", "\"Oslo\"}"]),
            .text(["Snow."]),
        ])
        defer { fake.shutdown() }
        let subject = anthropic(fake)
        let hello = try await subject.chat(
            ChatRequest(model: "claude-sonnet-4-20250514", system: "Be brief.", messages: [.user("Hi")]))
        #expect(hello.content == "Hello")
        #expect(hello.usage == TokenUsage(inputTokens: 12, outputTokens: 2, cacheReadTokens: 40))

        var conversation = [ChatMessage.user("Weather in Oslo?")]
        let first = try await subject.chat(
            ChatRequest(model: "claude-sonnet-4-20250514", messages: conversation, tools: [weatherTool]))
        #expect(first.toolCalls == [ToolCall(id: "toolu_7", name: "get_weather", arguments: ["city": "Oslo"])])
        conversation += [
            .assistant(first.content, toolCalls: first.toolCalls),
            .toolResult(for: first.toolCalls[0], content: "snow"),
        ]
        let second = try await subject.chat(
            ChatRequest(model: "claude-sonnet-4-20250514", messages: conversation, tools: [weatherTool]))
        #expect(second.content == "Snow.")

        let requests = await fake.server.requests
        #expect(requests.first?.header("x-api-key") == "sk-ant-live-5678")
        #expect(requests.first?.header("anthropic-version") == "2023-06-01")
        let last = try #require(JSONValue.parse(requests[2].body))
        #expect(
            last["messages"]?[2] == [
                "role": "user", "content": [["type": "tool_result", "tool_use_id": "toolu_7", "content": "snow"]],
            ])
    }

    @Test func anthropicOverloadedMidStreamIsRetried() async throws {
        let fake = try FakeAnthropicServer([.overloadedMidStream, .rateLimited(), .overloaded, .text(["ok"])])
        defer { fake.shutdown() }
        let log = SleepLog()
        let hints = LockedValue<[ProviderError.Kind]>([])
        let retrying = RetryingProvider(
            wrapping: anthropic(fake), sleep: { await log.record($0) }, random: { $0.upperBound },
            onRetry: { _, _, error in hints.withLock { $0.append(error.kind) } })
        let response = try await retrying.chat(request)
        #expect(response.content == "ok")
        #expect(hints.value == [.http(status: 529), .rateLimited(retryAfter: nil), .http(status: 529)])
        // No Retry-After: the backoff applies (1, 2, 4 s ceilings), never the reference's 5,000 s.
        #expect(await log.delays == [1, 2, 4])
    }

    @Test func anthropicErrorsAreClassified() async throws {
        let fake = try FakeAnthropicServer([
            .contextOverflow, .unauthorized, .malformedJSON, .truncated(["par"]), .serverError,
        ])
        defer { fake.shutdown() }
        var kinds: [ProviderError.Kind] = []
        for _ in 0..<5 {
            let (_, error) = await drain(anthropic(fake).stream(request))
            let failure = try #require(error as? ProviderError)
            #expect(!failure.description.contains("sk-ant-live-5678"))
            kinds.append(failure.kind)
            if kinds.count == 4 { #expect(failure.message.contains("truncated")) }
        }
        #expect(
            kinds == [.contextOverflow, .authentication, .malformedResponse, .malformedResponse, .http(status: 500)])
    }

    @Test func ollamaStreamedAnswerAndToolCalls() async throws {
        let fake = try FakeOllamaServer([
            .text(["Hel", "lo"], promptTokens: 7, evalTokens: 2),
            .toolCalls([ToolCall(id: "", name: "get_weather", arguments: ["city": "Rome"])]),
        ])
        defer { fake.shutdown() }
        let subject = ollama(fake)
        let hello = try await subject.chat(ChatRequest(model: "qwen2.5-coder:7b", messages: [.user("Hi")]))
        #expect(hello.content == "Hello")
        #expect(hello.usage == TokenUsage(inputTokens: 7, outputTokens: 2))
        let tools = try await subject.chat(
            ChatRequest(model: "qwen2.5-coder:7b", messages: [.user("Rome?")], tools: [weatherTool]))
        #expect(tools.toolCalls.map(\.name) == ["get_weather"])
        #expect(tools.toolCalls.first?.arguments == ["city": "Rome"])
        #expect(tools.toolCalls.first?.id.isEmpty == false)
        #expect(tools.stopReason == .toolUse)
        #expect(try await subject.models().map(\.id) == ["qwen2.5-coder:7b"])
    }

    @Test func ollamaErrorsAreClassified() async throws {
        let fake = try FakeOllamaServer([
            .modelNotFound, .contextOverflow, .malformedJSON, .truncated(["a"]), .serverError,
        ])
        defer { fake.shutdown() }
        var kinds: [ProviderError.Kind] = []
        for _ in 0..<5 {
            let (_, error) = await drain(ollama(fake).stream(ChatRequest(model: "m", messages: [.user("x")])))
            kinds.append(try #require(error as? ProviderError).kind)
        }
        #expect(
            kinds == [.http(status: 404), .contextOverflow, .malformedResponse, .malformedResponse, .http(status: 500)])
    }
}

/// Discovery against fakes on real sockets: env base URLs point the providers at them.
struct LiveDiscoveryTests {
    @Test func anthropicFromEnvironmentAnswersThroughTheFake() async throws {
        let fake = try FakeAnthropicServer([.text(["hi"])])
        defer { fake.shutdown() }
        let env = ["ANTHROPIC_API_KEY": "k", "ANTHROPIC_BASE_URL": fake.baseURL, "OPENAI_API_KEY": "o"]
        let resolved = try await ProviderResolver(environment: env, transport: CurlTransport(), probeTimeout: 10)
            .resolve(model: nil)
        let response = try await resolved.provider.chat(ChatRequest(model: resolved.model, messages: [.user("x")]))
        #expect(response.content == "hi")
        #expect(
            JSONValue.parse(try #require(await fake.server.requests.first).body)?["model"] == "claude-sonnet-4-20250514"
        )
    }

    @Test func ollamaIsFoundByProbeThenTheLocalServer() async throws {
        let ollama = try FakeOllamaServer([.text(["from ollama"])], installed: ["llama3.2:1b", "llama3.1:8b"])
        let local = try FakeOpenAIServer([.text(["from local"])], models: ["smollm2-135m"])
        defer {
            ollama.shutdown()
            local.shutdown()
        }
        var env = ["OLLAMA_HOST": ollama.baseURL, "OPENKOI_LOCAL_BASE_URL": local.baseURL]
        let first = try await ProviderResolver(environment: env, transport: CurlTransport(), probeTimeout: 10).resolve(
            model: nil)
        #expect(first.ref == ModelRef(provider: "ollama", model: "llama3.1:8b"))
        #expect(
            try await first.provider.chat(ChatRequest(model: first.model, messages: [.user("x")])).content
                == "from ollama")

        let refusing = try refusingServer()
        defer { refusing.shutdown() }
        env["OLLAMA_HOST"] = refusing.baseURL
        let second = try await ProviderResolver(environment: env, transport: CurlTransport(), probeTimeout: 10).resolve(
            model: nil)
        #expect(second.ref == ModelRef(provider: "local", model: "smollm2-135m"))
        #expect(
            try await second.provider.chat(ChatRequest(model: second.model, messages: [.user("x")])).content
                == "from local")
    }

    /// A server that hangs up on every request. Used instead of an unused port, which a server started by a
    /// test running in parallel could bind before we connect.
    func refusingServer() throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer { _ in .closeWithoutResponse }
    }

    @Test func nothingAnsweringMeansNotConfigured() async throws {
        let refusing = try refusingServer()
        defer { refusing.shutdown() }
        let env = ["OLLAMA_HOST": refusing.baseURL, "OPENKOI_LOCAL_BASE_URL": refusing.baseURL + "/v1"]
        let error = await #expect(throws: ProviderError.self) {
            try await ProviderResolver(environment: env, transport: CurlTransport(), probeTimeout: 10).resolve(
                model: nil)
        }
        #expect(error?.kind == .notConfigured)
    }
}
