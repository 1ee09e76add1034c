import OpenKoiCore
import OpenKoiTesting
import Testing

@testable import OpenKoiProviders

/// Copilot's chat and model API against `FakeGitHubServer` over real HTTP (libcurl to 127.0.0.1).
struct CopilotProviderTests {
    let githubToken = "gho_github_secret_5678"
    let clock = GitHubLoginClock()
    let request = ChatRequest(model: "gpt-4.1", messages: [.user("Hi")])

    func provider(_ fake: FakeGitHubServer) -> CopilotProvider {
        CopilotProvider(
            sessions: CopilotSessionTokens(
                githubToken: githubToken, baseURL: fake.rootURL, transport: CurlTransport(), now: clock.clock),
            transport: CurlTransport())
    }

    func session(_ token: String, lifetime: Int = 1800) -> FakeGitHubServer.Exchange {
        .session(token: token, expiresAt: clock.now + lifetime)
    }

    @Test func chatCarriesEveryCopilotHeaderAndTheSessionToken() async throws {
        let fake = try FakeGitHubServer(exchanges: [session("tid=session-1")], chat: [.text(["Hel", "lo"])])
        defer { fake.shutdown() }
        let response = try await provider(fake).chat(request)
        #expect(response.content == "Hello")
        #expect(response.stopReason == .endTurn)
        #expect(response.usage == TokenUsage(inputTokens: 10, outputTokens: 5))

        let sent = try #require(await fake.requests(to: "/chat/completions").first)
        #expect(sent.method == "POST")
        #expect(sent.header("authorization") == "Bearer tid=session-1")
        #expect(!sent.headers.contains { $0.value.contains(githubToken) })
        #expect(sent.header("copilot-integration-id") == "vscode-chat")
        #expect(sent.header("editor-version") == "vscode/1.104.1")
        #expect(sent.header("editor-plugin-version") == "copilot-chat/0.26.7")
        #expect(sent.header("openai-intent") == "conversation-edits")
        #expect(sent.header("x-initiator") == "user")
        #expect(sent.header("x-github-api-version") == "2025-10-01")
        #expect(sent.header("accept") == "text/event-stream")
        #expect(sent.header("content-type") == "application/json")
        let body = try #require(JSONValue.parse(sent.body))
        #expect(body["model"] == "gpt-4.1")
        #expect(body["stream"] == true)
        #expect(body["messages"] == [["role": "user", "content": "Hi"]])
    }

    @Test func toolCallRoundTripMarksTheFollowUpAsAgentInitiated() async throws {
        let calls = [
            OpenAIFixtures.StreamedToolCall(
                id: "call_7", name: "get_weather", argumentPieces: ["{\"city\"", ": \"Oslo\"}"])
        ]
        let fake = try FakeGitHubServer(exchanges: [session("s1")], chat: [.toolCalls(calls), .text(["Rainy."])])
        defer { fake.shutdown() }
        let subject = provider(fake)
        var conversation = [ChatMessage.user("Weather in Oslo?")]
        let first = try await subject.chat(ChatRequest(model: "gpt-4.1", messages: conversation, tools: [weatherTool]))
        #expect(first.toolCalls == [ToolCall(id: "call_7", name: "get_weather", arguments: ["city": "Oslo"])])
        #expect(first.stopReason == .toolUse)
        conversation += [
            .assistant(first.content, toolCalls: first.toolCalls),
            .toolResult(for: first.toolCalls[0], content: "rain"),
        ]
        let second = try await subject.chat(ChatRequest(model: "gpt-4.1", messages: conversation, tools: [weatherTool]))
        #expect(second.content == "Rainy.")

        let sent = await fake.requests(to: "/chat/completions")
        #expect(sent.map { $0.header("x-initiator") } == ["user", "agent"])
        let firstBody = try #require(JSONValue.parse(sent[0].body))
        #expect(firstBody["tools"]?[0]?["function"]?["name"] == "get_weather")
        let messages = try #require(JSONValue.parse(sent[1].body)?["messages"]?.arrayValue)
        #expect(messages[1]["tool_calls"]?[0]?["function"]?["arguments"] == "{\"city\":\"Oslo\"}")
        #expect(messages[2] == ["role": "tool", "content": "rain", "tool_call_id": "call_7", "name": "get_weather"])
        #expect(await fake.exchangeCount == 1)
    }

    @Test func claudesTextAndToolCallsInSeparateChoicesAreBothKept() async throws {
        // Copilot serves Claude's text as choice 0 and its tool calls as choice 1, chunk by chunk.
        func choice(_ index: Int, _ delta: JSONValue, finish: String? = nil) -> String {
            OpenAIFixtures.event([
                "id": "msg_1", "object": "chat.completion.chunk", "model": "claude-sonnet-4",
                "choices": [
                    [
                        "index": .number(Double(index)), "delta": delta,
                        "finish_reason": finish.map(JSONValue.string) ?? .null,
                    ]
                ],
            ])
        }
        let call: JSONValue = [
            "index": 0, "id": "toolu_1", "type": "function",
            "function": ["name": "get_weather", "arguments": "{\"city\":\"Oslo\"}"],
        ]
        let events = [
            choice(0, ["role": "assistant", "content": "Let me check."]), choice(0, [:], finish: "tool_calls"),
            choice(1, ["tool_calls": [call]]), choice(1, [:], finish: "tool_calls"),
            OpenAIFixtures.usage(prompt: 40, completion: 12), OpenAIFixtures.done,
        ]
        let stream = ScriptedResponse.streamed(headers: FakeOpenAIServer.sseHeaders, parts: events.map { .text($0) })
        let fake = try FakeGitHubServer(exchanges: [session("s1")], chat: [.raw(stream)])
        defer { fake.shutdown() }
        let response = try await provider(fake).chat(
            ChatRequest(model: "claude-sonnet-4", messages: [.user("Weather in Oslo?")], tools: [weatherTool]))
        #expect(response.content == "Let me check.")
        #expect(response.toolCalls == [ToolCall(id: "toolu_1", name: "get_weather", arguments: ["city": "Oslo"])])
        #expect(response.stopReason == .toolUse)
        #expect(response.usage == TokenUsage(inputTokens: 40, outputTokens: 12))
    }

    @Test func aSessionPastItsRenewalTimeIsExchangedAgainBeforeTheCall() async throws {
        let fake = try FakeGitHubServer(
            exchanges: [session("s1", lifetime: 1800), session("s2", lifetime: 3600)],
            chat: [.text(["a"]), .text(["b"])])
        defer { fake.shutdown() }
        let subject = provider(fake)
        _ = try await subject.chat(request)
        clock.advance(by: 1800 - 60)
        _ = try await subject.chat(request)
        #expect(await fake.exchangeCount == 2)
        #expect(
            await fake.requests(to: "/chat/completions").map { $0.header("authorization") } == [
                "Bearer s1", "Bearer s2",
            ])
    }

    @Test func a401MidTaskExchangesAgainAndRetriesOnce() async throws {
        let fake = try FakeGitHubServer(
            exchanges: [session("s1"), session("s2")], chat: [.unauthorized, .text(["ok"])])
        defer { fake.shutdown() }
        let response = try await provider(fake).chat(request)
        #expect(response.content == "ok")
        #expect(await fake.exchangeCount == 2)
        #expect(
            await fake.requests(to: "/chat/completions").map { $0.header("authorization") } == [
                "Bearer s1", "Bearer s2",
            ])
    }

    @Test func aSecond401IsReportedNotRetriedForever() async throws {
        let fake = try FakeGitHubServer(
            exchanges: [session("s1"), session("s2"), session("s3")],
            chat: [.unauthorized, .unauthorized, .text(["x"])])
        defer { fake.shutdown() }
        let (_, error) = await drain(provider(fake).stream(request))
        let failure = try #require(error as? ProviderError)
        #expect(failure.kind == .authentication)
        #expect(failure.provider == "copilot")
        #expect(!failure.message.contains("s2"))
        #expect(await fake.exchangeCount == 2)
        #expect(await fake.requests(to: "/chat/completions").count == 2)
    }

    @Test func aRejectedGitHubTokenFailsTheCallWithTheAdvice() async throws {
        let fake = try FakeGitHubServer(exchanges: [.status(401)], chat: [.text(["never"])])
        defer { fake.shutdown() }
        let (events, error) = await drain(provider(fake).stream(request))
        #expect(events.isEmpty)
        let failure = try #require(error as? ProviderError)
        #expect(failure.kind == .authentication)
        #expect(failure.message.contains("GitHub token rejected or no Copilot subscription"))
        #expect(failure.message.hasSuffix("run openkoi connect copilot"))
        #expect(!failure.message.contains(githubToken))
        #expect(await fake.requests(to: "/chat/completions").isEmpty)
    }

    @Test(arguments: [
        (
            FakeOpenAIServer.Reply.rateLimited(headers: [("Retry-After", "3")]),
            ProviderError.Kind.rateLimited(retryAfter: 3)
        ),
        (.rateLimited(), .rateLimited(retryAfter: nil)),
        (.serverError, .http(status: 500)),
        (.contextOverflow, .contextOverflow),
        (.malformedJSON, .malformedResponse),
        (.truncated(["Hel"]), .malformedResponse),
    ])
    func apiFailuresAreClassifiedWithoutAnotherExchange(reply: FakeOpenAIServer.Reply, kind: ProviderError.Kind)
        async throws
    {
        let fake = try FakeGitHubServer(exchanges: [session("s1")], chat: [reply])
        defer { fake.shutdown() }
        let (_, error) = await drain(provider(fake).stream(request))
        let failure = try #require(error as? ProviderError)
        #expect(failure.kind == kind)
        #expect(failure.provider == "copilot")
        #expect(await fake.exchangeCount == 1)
    }

    @Test func modelsAreReadWithCopilotsLimitsAndPickerModelsFirst() async throws {
        let listed =
            CopilotFixtures.models + [
                CopilotFixtures.ListedModel(
                    id: "gpt-5.1-codex", contextWindow: 400_000, promptTokens: 272_000, outputTokens: 128_000,
                    endpoints: ["/responses"]),
                CopilotFixtures.ListedModel(
                    id: "gpt-4.1", contextWindow: 128_000, outputTokens: 16_384, toolCalls: false),
                CopilotFixtures.ListedModel(id: "gpt-4.1", contextWindow: 64_000),
            ]
        let fake = try FakeGitHubServer(exchanges: [session("s1")], models: listed)
        defer { fake.shutdown() }
        let models = try await provider(fake).models()
        #expect(
            models == [
                ModelInfo(
                    id: "claude-sonnet-4", contextWindow: 128_000, maxOutputTokens: 16_000, supportsTools: true,
                    pricing: .free),
                ModelInfo(
                    id: "gpt-4.1", contextWindow: 128_000, maxOutputTokens: 16_384, supportsTools: false, pricing: .free
                ),
                ModelInfo(id: "gpt-4o-mini", contextWindow: 64_000, maxOutputTokens: 4096, pricing: .free),
            ])
        let sent = try #require(await fake.requests(to: "/models").first)
        #expect(sent.header("authorization") == "Bearer s1")
        #expect(sent.header("copilot-integration-id") == "vscode-chat")
        #expect(sent.header("x-github-api-version") == "2025-10-01")
        #expect(sent.header("x-initiator") == nil)
    }

    @Test func anEmptyModelListFallsBackToTheCatalog() async throws {
        let fake = try FakeGitHubServer(exchanges: [session("s1")], models: [])
        defer { fake.shutdown() }
        #expect(try await provider(fake).models() == ModelCatalog.copilot)
    }

    @Test func aRevokedSessionIsReplacedForTheModelList() async throws {
        let fake = try FakeGitHubServer(exchanges: [session("s1"), session("s2")])
        defer { fake.shutdown() }
        let subject = provider(fake)
        _ = try await subject.sessions.current()
        fake.revoke("s1")
        #expect(try await subject.models().map(\.id) == ["claude-sonnet-4", "gpt-4o-mini"])
        #expect(await fake.exchangeCount == 2)
        #expect(await fake.requests(to: "/models").map { $0.header("authorization") } == ["Bearer s1", "Bearer s2"])
    }

    @Test func theCatalogListsTheTwentyOneCopilotModelsFree() {
        let catalog = ModelCatalog.copilot
        #expect(catalog.count == 21)
        #expect(Set(catalog.map(\.id)).count == 21)
        #expect(catalog.allSatisfy { $0.pricing == .free })
        #expect(catalog.first { $0.id == "gpt-5.3-codex" }?.contextWindow == 272_000)
        #expect(catalog.first { $0.id == "gpt-4o" }?.contextWindow == 64_000)
    }

    @Test func nothingPrintsATokenOrTheGitHubLogin() async throws {
        let fake = try FakeGitHubServer(exchanges: [session("tid=secret-session")])
        defer { fake.shutdown() }
        let subject = provider(fake)
        let session = try await subject.sessions.current()
        var dumped = ""
        dump(session, to: &dumped)
        dump(subject, to: &dumped)
        dumped += "\(session) \(subject)"
        #expect(!dumped.contains("secret-session"))
        #expect(!dumped.contains(githubToken))
    }
}
