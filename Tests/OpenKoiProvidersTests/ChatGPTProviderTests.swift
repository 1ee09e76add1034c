import OpenKoiCore
import OpenKoiTesting
import Testing

@testable import OpenKoiProviders

/// `ChatGPTProvider` against a loopback ChatGPT backend and auth server, over real HTTP.
struct ChatGPTProviderTests {
    let request = ChatRequest(
        model: "gpt-5.1-codex", system: "Be brief.", messages: [.user("Hi")], maxTokens: 100, temperature: 0.3)

    /// A backend, an auth server that has signed the user in, a store holding the sign-in, and the provider.
    struct Setup {
        let backend: FakeResponsesServer
        let auth: FakeOpenAIAuthServer
        let store: InMemoryTokenStore
        let clock = ManualClock()
        let provider: ChatGPTProvider

        init(
            _ replies: [FakeResponsesServer.Reply], expired: Bool = false,
            refresh: FakeOpenAIAuthServer.Refresh = .rotate
        ) throws {
            backend = try FakeResponsesServer(replies, path: "/backend-api/codex/responses")
            auth = try FakeOpenAIAuthServer(refresh: refresh, signedIn: true)
            store = InMemoryTokenStore([
                "chatgpt": auth.signedInTokens(expiresAt: Int(clock.now) + (expired ? 30 : 3600))
            ])
            provider = ChatGPTProvider(
                store: store, login: clock.login(auth), baseURL: backend.baseURL, transport: CurlTransport(),
                reasoningEffort: "medium")
        }

        func shutdown() {
            backend.shutdown()
            auth.shutdown()
        }

        var refreshes: Int { get async { await auth.requests(to: "/oauth/token").count } }
    }

    @Test func sendsTheBackendHeadersAndABodyItAccepts() async throws {
        let setup = try Setup([.text(["Hel", "lo"], listsOutput: false)])
        defer { setup.shutdown() }
        let answer = try await setup.provider.chat(request)
        #expect(answer.content == "Hello")
        #expect(answer.usage == TokenUsage(inputTokens: 10, outputTokens: 5))
        #expect(answer.stopReason == .endTurn)

        let sent = try #require(await setup.backend.server.requests.first)
        #expect(sent.method == "POST" && sent.path == "/backend-api/codex/responses")
        #expect(sent.header("authorization") == "Bearer \(setup.auth.accessToken(generation: 1))")
        #expect(sent.header("chatgpt-account-id") == "acct-test-1")
        #expect(sent.header("originator") == "openkoi")
        #expect(sent.header("openai-beta") == "responses=experimental")
        #expect(sent.header("accept") == "text/event-stream")
        // No max_output_tokens (the backend refuses it) and no temperature (a reasoning model).
        #expect(
            JSONValue.parse(sent.body) == [
                "model": "gpt-5.1-codex", "instructions": "Be brief.", "stream": true, "store": false,
                "reasoning": ["effort": "medium"],
                "input": [["type": "message", "role": "user", "content": [["type": "input_text", "text": "Hi"]]]],
            ])
        #expect(await setup.refreshes == 0)
    }

    @Test func anExpiredTokenIsRefreshedFirstAndSaved() async throws {
        let setup = try Setup([.text(["ok"])], expired: true)
        defer { setup.shutdown() }
        _ = try await setup.provider.chat(request)
        #expect(await setup.refreshes == 1)
        let sent = try #require(await setup.backend.server.requests.first)
        #expect(sent.header("authorization") == "Bearer \(setup.auth.accessToken(generation: 2))")
        #expect(
            setup.store.tokens(for: "chatgpt")
                == OAuthTokens(
                    accessToken: setup.auth.accessToken(generation: 2), refreshToken: "refresh-2",
                    expiresAt: Int(setup.clock.now) + 3600, extra: ["account_id": "acct-test-1"]))
    }

    @Test func aTokenRefusedMidTaskIsRefreshedOnceAndTheCallRetried() async throws {
        let setup = try Setup([.text(["first"]), .unauthorized, .text(["second"])])
        defer { setup.shutdown() }
        #expect(try await setup.provider.chat(request).content == "first")
        #expect(try await setup.provider.chat(request).content == "second")
        let sent = await setup.backend.server.requests
        #expect(
            sent.map { $0.header("authorization") } == [
                "Bearer \(setup.auth.accessToken(generation: 1))", "Bearer \(setup.auth.accessToken(generation: 1))",
                "Bearer \(setup.auth.accessToken(generation: 2))",
            ])
        #expect(sent.map { $0.header("chatgpt-account-id") } == ["acct-test-1", "acct-test-1", "acct-test-1"])
        #expect(await setup.refreshes == 1)
        #expect(setup.store.tokens(for: "chatgpt")?.refreshToken == "refresh-2")
    }

    @Test func aSecondRefusalIsAnAuthenticationErrorThatSaysHowToSignIn() async throws {
        let setup = try Setup([.unauthorized, .unauthorized])
        defer { setup.shutdown() }
        let error = await #expect(throws: ProviderError.self) { try await setup.provider.chat(request) }
        #expect(error?.kind == .authentication)
        #expect(error?.provider == "chatgpt")
        #expect(error?.message.contains("run `openkoi connect chatgpt` to sign in again") == true)
        #expect(await setup.refreshes == 1)
        #expect(await setup.backend.server.requests.count == 2)
    }

    @Test func concurrentCallsShareOneRefresh() async throws {
        let setup = try Setup([.text(["a"]), .text(["b"]), .text(["c"])], expired: true)
        defer { setup.shutdown() }
        let provider = setup.provider
        let request = request
        let answers = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<3 { group.addTask { try await provider.chat(request).content } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.sorted() == ["a", "b", "c"])
        // A second refresh would have spent the rotated token: the fake refuses reuse.
        #expect(await setup.refreshes == 1)
        let tokens = await setup.backend.server.requests.map { $0.header("authorization") }
        #expect(tokens == Array(repeating: "Bearer \(setup.auth.accessToken(generation: 2))", count: 3))
    }

    @Test func aRejectedRefreshAsksForANewSignIn() async throws {
        let setup = try Setup([.text(["never"])], expired: true, refresh: .reject)
        defer { setup.shutdown() }
        let error = await #expect(throws: ProviderError.self) { try await setup.provider.chat(request) }
        #expect(error?.kind == .authentication)
        #expect(error?.message.contains("re-authenticate with `openkoi connect chatgpt`") == true)
        #expect(error?.message.contains("refresh-1") == false)
        #expect(await setup.backend.server.requests.isEmpty)
    }

    @Test func withoutASignInTheErrorSaysHowToConnect() async throws {
        let backend = try FakeResponsesServer([], path: "/backend-api/codex/responses")
        defer { backend.shutdown() }
        let provider = ChatGPTProvider(
            store: InMemoryTokenStore(), login: OpenAIDeviceLogin(transport: CurlTransport()), baseURL: backend.baseURL,
            transport: CurlTransport())
        let error = await #expect(throws: ProviderError.self) { try await provider.chat(request) }
        #expect(error?.kind == .notConfigured)
        #expect(error?.message.contains("run `openkoi connect chatgpt`") == true)
        #expect(await backend.server.requests.isEmpty)
    }

    @Test func streamErrorsAndToolCallsReadAsOnTheResponsesAPI() async throws {
        let call = ResponsesFixtures.FunctionCall(
            callID: "call_1", name: "get_weather", argumentPieces: ["{\"city\":\"Rome\"}"])
        let setup = try Setup([
            .toolCalls([call]), .errorEvent(code: "rate_limit_exceeded", message: "Usage limit reached"),
            .rateLimited(headers: [("Retry-After", "60")]),
        ])
        defer { setup.shutdown() }
        let first = try await setup.provider.chat(
            ChatRequest(model: "gpt-5.1-codex", messages: [.user("x")], tools: [weatherTool]))
        #expect(first.toolCalls == [ToolCall(id: "call_1", name: "get_weather", arguments: ["city": "Rome"])])
        #expect(first.stopReason == .toolUse)
        let streamed = await #expect(throws: ProviderError.self) { try await setup.provider.chat(request) }
        #expect(streamed?.kind == .rateLimited(retryAfter: nil))
        let limited = await #expect(throws: ProviderError.self) { try await setup.provider.chat(request) }
        #expect(limited?.kind == .rateLimited(retryAfter: 60))
        #expect(!"\(limited.map(String.init(describing:)) ?? "")".contains(setup.auth.accessToken(generation: 1)))
    }

    @Test func backendErrorShapesAreRead() async throws {
        let usageLimit = #"""
            {"error":{"type":"usage_limit_reached","message":"The usage limit has been reached","plan_type":"plus","resets_in_seconds":7500}}
            """#
        let setup = try Setup([
            .raw(.json(status: 429, usageLimit)),
            .raw(.json(status: 400, #"{"detail":"Unsupported parameter: max_output_tokens"}"#)),
        ])
        defer { setup.shutdown() }
        let limited = await #expect(throws: ProviderError.self) { try await setup.provider.chat(request) }
        // Not a rate limit: waiting a minute does not help a plan limit that resets in two hours.
        #expect(limited?.kind == .http(status: 429))
        #expect(limited?.isRetriable == false)
        #expect(
            limited?.message
                == "HTTP 429 usage_limit_reached: The usage limit has been reached on the plus plan. It resets in 2 h 5 min. Wait for the reset or pick another provider."
        )
        let refused = await #expect(throws: ProviderError.self) { try await setup.provider.chat(request) }
        #expect(refused?.kind == .http(status: 400))
        #expect(refused?.message == "HTTP 400: Unsupported parameter: max_output_tokens")
    }

    @Test func theCatalogIsTheCodexModelsAtNoCost() {
        #expect(
            ModelCatalog.chatGPT.map(\.id) == [
                "gpt-5.1-codex", "gpt-5.1-codex-max", "gpt-5.1-codex-mini", "gpt-5.2-codex", "gpt-5.3-codex",
            ])
        #expect(ModelCatalog.chatGPT.allSatisfy { $0.contextWindow == 200_000 && $0.pricing == .free })
    }
}
