import OpenKoiCore
import OpenKoiTesting
import Testing

@testable import OpenKoiProviders

/// Reading Responses API answers: streamed events, whole JSON answers, and every way they fail.
struct ResponsesStreamTests {
    let key = "sk-resp-secret-7890"
    let request = ChatRequest(model: "gpt-4.1", messages: [.user("Hi")])

    func provider(_ transport: any HTTPTransport) -> OpenAIResponsesProvider {
        OpenAIResponsesProvider(baseURL: "http://127.0.0.1:1/v1/", apiKey: key, transport: transport)
    }

    func events(_ chunks: [String], status: Int = 200, headers: [String: String] = [:]) async -> (
        [ChatStreamEvent], (any Error)?
    ) {
        let transport = ScriptedTransport([.respond(status: status, headers: headers, chunks: chunks)])
        return await drain(provider(transport).stream(request))
    }

    @Test func streamedTextArrivesAsDeltasWithUsageSplitFromCache() async throws {
        let transport = ScriptedTransport([
            .respond(chunks: ResponsesFixtures.textStream(["Hel", "lo"], input: 30, output: 3, cached: 10))
        ])
        let (events, error) = await drain(provider(transport).stream(request))
        #expect(error == nil)
        // The completed response lists the message again; it is not emitted twice.
        #expect(
            events == [
                .textDelta("Hel"), .textDelta("lo"),
                .usage(TokenUsage(inputTokens: 20, outputTokens: 3, cacheReadTokens: 10)),
                .stop(.endTurn),
            ])
        let sent = try #require(await transport.requests.first)
        #expect(sent.method == "POST")
        #expect(sent.url == "http://127.0.0.1:1/v1/responses")
        #expect(sent.headers["authorization"] == "Bearer \(key)")
    }

    @Test func unstoredResponsesWithAnEmptyFinalOutputReadTheSame() async {
        let (events, error) = await events(ResponsesFixtures.textStream(["ok"], listsOutput: false))
        #expect(error == nil)
        #expect(events == [.textDelta("ok"), .usage(TokenUsage(inputTokens: 10, outputTokens: 5)), .stop(.endTurn)])
    }

    @Test func functionCallsAreAssembledFromArgumentDeltas() async {
        let calls = [
            ResponsesFixtures.FunctionCall(
                callID: "call_a", name: "get_weather", argumentPieces: ["{\"ci", "ty\": \"Par", "is\"}"]),
            ResponsesFixtures.FunctionCall(callID: "call_b", name: "get_time", argumentPieces: []),
        ]
        let (events, error) = await events(ResponsesFixtures.toolCallStream(calls, text: "Checking."))
        #expect(error == nil)
        #expect(
            events == [
                .textDelta("Checking."),
                .toolCall(ToolCall(id: "call_a", name: "get_weather", arguments: ["city": "Paris"])),
                .toolCall(ToolCall(id: "call_b", name: "get_time", arguments: [:])),
                .usage(TokenUsage(inputTokens: 20, outputTokens: 8)), .stop(.toolUse),
            ])
    }

    @Test func invalidArgumentsAreKeptAsRawText() async throws {
        let call = ResponsesFixtures.FunctionCall(
            callID: "call_x", name: "get_weather", argumentPieces: ["{\"city\": Par"])
        let transport = ScriptedTransport([.respond(chunks: ResponsesFixtures.toolCallStream([call]))])
        let response = try await provider(transport).chat(request)
        #expect(
            response.toolCalls == [ToolCall(id: "call_x", name: "get_weather", arguments: .string("{\"city\": Par"))])
    }

    @Test func callsWithoutADoneEventAreEmittedAtTheEnd() async {
        // A host that streams the arguments but never sends output_item.done for the call.
        let call = ResponsesFixtures.FunctionCall(callID: "call_1", name: "get_weather", argumentPieces: ["{}"])
        let stream = ResponsesFixtures.sse(
            ResponsesFixtures.functionCallEvents(call, id: "fc_1", outputIndex: 0).dropLast()
                + [
                    [
                        "type": "response.completed",
                        "response": ResponsesFixtures.response(status: "completed", output: [], usage: nil),
                    ]
                ])
        let (events, error) = await events(stream)
        #expect(error == nil)
        #expect(events == [.toolCall(ToolCall(id: "call_1", name: "get_weather", arguments: [:])), .stop(.toolUse)])
    }

    @Test func textOnlyInTheDoneItemIsEmittedOnce() async {
        // A host that sends the message whole at output_item.done, and lists it again in the final response.
        let item = ResponsesFixtures.messageItem("whole text", id: "msg_9")
        let stream = ResponsesFixtures.sse([
            ["type": "response.output_item.done", "output_index": 0, "item": item],
            [
                "type": "response.completed",
                "response": ResponsesFixtures.response(status: "completed", output: [item], usage: nil),
            ],
        ])
        let (events, _) = await events(stream)
        #expect(events == [.textDelta("whole text"), .stop(.endTurn)])
    }

    @Test func logprobsOnDeltasAreForwarded() async {
        let stream = ResponsesFixtures.sse([
            [
                "type": "response.output_text.delta", "item_id": "msg_1", "output_index": 0, "content_index": 0,
                "delta": "Hi", "logprobs": [["token": "Hi", "logprob": -0.25, "top_logprobs": []]],
            ],
            [
                "type": "response.completed",
                "response": ResponsesFixtures.response(status: "completed", output: [], usage: nil),
            ],
        ])
        let (events, _) = await events(stream)
        #expect(events == [.textDelta("Hi"), .logprobs([-0.25]), .stop(.endTurn)])
    }

    @Test func incompleteAtTheOutputLimitIsMaxTokens() async {
        let (events, error) = await events(ResponsesFixtures.incompleteStream(["Once upon"]))
        #expect(error == nil)
        #expect(
            events == [
                .textDelta("Once upon"), .usage(TokenUsage(inputTokens: 10, outputTokens: 16)), .stop(.maxTokens),
            ])
        let (filtered, _) = await self.events(ResponsesFixtures.incompleteStream(["x"], reason: "content_filter"))
        #expect(filtered.last == .stop(.unknown))
    }

    @Test func errorEventsAreClassified() async throws {
        let cases: [(code: String, kind: ProviderError.Kind, status: Int)] = [
            ("rate_limit_exceeded", .rateLimited(retryAfter: nil), 429),
            ("context_length_exceeded", .contextOverflow, 400),
            ("server_error", .http(status: 500), 500), ("invalid_prompt", .http(status: 400), 400),
        ]
        for (code, kind, status) in cases {
            let (events, error) = await events(
                ResponsesFixtures.errorEventStream(code: code, message: "went wrong: \(code)"))
            #expect(events.isEmpty)
            let failure = try #require(error as? ProviderError)
            #expect(failure.kind == kind)
            #expect(failure.provider == "openai")
            #expect(failure.message == "HTTP \(status) \(code): went wrong: \(code)")
        }
    }

    @Test func failedResponsesAreClassified() async throws {
        let (_, error) = await events(
            ResponsesFixtures.failedStream(code: "server_error", message: "The model crashed"))
        let failure = try #require(error as? ProviderError)
        #expect(failure.kind == .http(status: 500))
        #expect(failure.isRetriable)
        #expect(failure.message.contains("The model crashed"))
        let (_, overflow) = await events(
            ResponsesFixtures.failedStream(
                code: "context_length_exceeded", message: "Your input exceeds the context window"))
        #expect((overflow as? ProviderError)?.kind == .contextOverflow)
    }

    @Test func wholeJSONAnswersAreRead() async throws {
        let call = ResponsesFixtures.FunctionCall(
            callID: "call_1", name: "get_weather", argumentPieces: ["{\"city\":\"Oslo\"}"])
        let whole = ResponsesFixtures.response(
            status: "completed",
            output: [
                ["type": "reasoning", "id": "rs_1", "summary": []], ResponsesFixtures.messageItem("Let me check."),
                ResponsesFixtures.functionCallItem(call, id: "fc_1"),
            ], usage: ResponsesFixtures.usage(input: 12, output: 7, cached: 2))
        let (events, error) = await events(
            [whole.jsonString], headers: ["content-type": "application/json"])
        #expect(error == nil)
        #expect(
            events == [
                .textDelta("Let me check."),
                .toolCall(ToolCall(id: "call_1", name: "get_weather", arguments: ["city": "Oslo"])),
                .usage(TokenUsage(inputTokens: 10, outputTokens: 7, cacheReadTokens: 2)), .stop(.toolUse),
            ])

        let incomplete = ResponsesFixtures.response(
            status: "incomplete", output: [ResponsesFixtures.messageItem("Once")], usage: nil,
            incompleteReason: "max_output_tokens")
        let (cut, _) = await self.events([incomplete.jsonString], headers: ["content-type": "application/json"])
        #expect(cut == [.textDelta("Once"), .stop(.maxTokens)])

        let pending = ResponsesFixtures.response(status: "in_progress", output: [], usage: nil)
        let (_, unfinished) = await self.events([pending.jsonString], headers: ["content-type": "application/json"])
        #expect((unfinished as? ProviderError)?.kind == .malformedResponse)
        #expect((unfinished as? ProviderError)?.message.contains("in_progress") == true)
    }

    @Test func httpErrorsAreClassifiedAndNeverShowTheKey() async throws {
        let (_, limited) = await events([OpenAIFixtures.rateLimited], status: 429, headers: ["retry-after": "2"])
        #expect((limited as? ProviderError)?.kind == .rateLimited(retryAfter: 2))
        let (_, limitedNoHint) = await events([OpenAIFixtures.rateLimited], status: 429)
        #expect((limitedNoHint as? ProviderError)?.kind == .rateLimited(retryAfter: nil))
        let (_, server) = await events([OpenAIFixtures.serverError], status: 503)
        #expect((server as? ProviderError)?.kind == .http(status: 503))
        #expect((server as? ProviderError)?.isRetriable == true)
        let (_, overflow) = await events([OpenAIFixtures.contextOverflow], status: 400)
        #expect((overflow as? ProviderError)?.kind == .contextOverflow)
        let echo = OpenAIFixtures.error(
            message: "Incorrect API key provided: \(key)", type: "invalid_request_error", code: "invalid_api_key")
        let (_, auth) = await events([echo], status: 401)
        let failure = try #require(auth as? ProviderError)
        #expect(failure.kind == .authentication)
        #expect(!"\(failure)".contains(key))
        #expect(!"\(provider(ScriptedTransport([])))".contains(key))
    }

    @Test func malformedAndTruncatedStreamsSaySo() async throws {
        let (events, malformed) = await events(
            ResponsesFixtures.sse([["type": "response.output_text.delta", "item_id": "m", "delta": "a"]]) + [
                "data: {not json\n\n"
            ])
        #expect(events == [.textDelta("a")])
        #expect((malformed as? ProviderError)?.kind == .malformedResponse)
        #expect((malformed as? ProviderError)?.message.contains("not valid JSON") == true)
        let (_, truncated) = await self.events(Array(ResponsesFixtures.textStream(["a", "b"]).dropLast()))
        let failure = try #require(truncated as? ProviderError)
        #expect(failure.kind == .malformedResponse)
        #expect(failure.message.contains("truncated"))
    }

    /// The same adapter over real HTTP against the loopback fake.
    @Test func overLoopbackHTTP() async throws {
        let fake = try FakeResponsesServer([
            .text(["Hi", " there"], inputTokens: 9, outputTokens: 2), .incomplete(["Once"]),
            .errorEvent(code: "rate_limit_exceeded", message: "Slow down"), .truncated(["cut"]), .malformedJSON,
            .rateLimited(headers: [("Retry-After", "3")]), .serverError, .unauthorized,
        ])
        defer { fake.shutdown() }
        let subject = OpenAIResponsesProvider(baseURL: fake.baseURL, apiKey: key, transport: CurlTransport())
        let answer = try await subject.chat(request)
        #expect(answer.content == "Hi there")
        #expect(answer.usage == TokenUsage(inputTokens: 9, outputTokens: 2))
        #expect(try await subject.chat(request).stopReason == .maxTokens)
        let expected: [ProviderError.Kind] = [
            .rateLimited(retryAfter: nil), .malformedResponse, .malformedResponse, .rateLimited(retryAfter: 3),
            .http(status: 500), .authentication,
        ]
        for kind in expected {
            let error = await #expect(throws: ProviderError.self) { try await subject.chat(request) }
            #expect(error?.kind == kind)
        }
    }
}
