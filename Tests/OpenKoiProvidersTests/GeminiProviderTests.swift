import FoundationEssentials
import OpenKoiCore
import OpenKoiTesting
import Testing

@testable import OpenKoiProviders

/// The Gemini adapter against `FakeGeminiServer` over real HTTP (libcurl to 127.0.0.1).
struct GeminiProviderTests {
    static let key = "AIza-test-secret-4321"
    let request = ChatRequest(model: "gemini-2.5-flash", messages: [.user("Capital of France?")])

    func provider(_ fake: FakeGeminiServer, key: String = GeminiProviderTests.key) -> GeminiProvider {
        GeminiProvider(baseURL: fake.baseURL, apiKey: key, transport: CurlTransport())
    }

    @Test func streamedTextWithUsage() async throws {
        let fake = try FakeGeminiServer(
            [.text(["Pa", "ris"], promptTokens: 12, candidatesTokens: 3, thoughtsTokens: 4, cachedTokens: 2)],
            apiKey: Self.key)
        defer { fake.shutdown() }
        let request = ChatRequest(
            model: "gemini-2.5-flash", system: "Be brief.", messages: [.user("Capital of France?")], maxTokens: 100,
            temperature: 0.2, stop: ["END"])
        let (events, error) = await drain(provider(fake).stream(request))
        #expect(error == nil)
        #expect(
            events == [
                .textDelta("Pa"), .textDelta("ris"),
                .usage(TokenUsage(inputTokens: 10, outputTokens: 7, cacheReadTokens: 2)), .stop(.endTurn),
            ])

        let sent = try #require(await fake.requests.first)
        #expect(sent.method == "POST")
        #expect(sent.path == "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse")
        #expect(sent.header("x-goog-api-key") == Self.key)
        #expect(sent.header("accept") == "text/event-stream")
        #expect(sent.header("content-type") == "application/json")
        #expect(
            JSONValue.parse(sent.body) == [
                "contents": [["role": "user", "parts": [["text": "Capital of France?"]]]],
                "systemInstruction": ["parts": [["text": "Be brief."]]],
                "generationConfig": ["maxOutputTokens": 100, "temperature": 0.2, "stopSequences": ["END"]],
            ])
    }

    @Test func modelResourceNamesAreAcceptedAsIs() async throws {
        let fake = try FakeGeminiServer([.text(["ok"])])
        defer { fake.shutdown() }
        let response = try await provider(fake).chat(
            ChatRequest(model: "models/gemini-2.5-pro", messages: [.user("x")]))
        #expect(response.content == "ok")
        #expect(await fake.requests.first?.path == "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse")
    }

    @Test func wholeJSONAnswerIsRead() async throws {
        // A proxy that drops `alt=sse` answers with the `generateContent` object instead of a stream.
        let call = GeminiFixtures.FunctionCall(name: "get_weather", args: ["city": "Paris"], id: "fc-7")
        let fake = try FakeGeminiServer([
            .raw(.json(GeminiFixtures.wholeAnswer(text: "Paris.", prompt: 9, candidates: 2, thoughts: 1))),
            .raw(.json(GeminiFixtures.wholeAnswer(text: "", calls: [call]))),
        ])
        defer { fake.shutdown() }
        let answer = try await provider(fake).chat(request)
        #expect(answer.content == "Paris.")
        #expect(answer.usage == TokenUsage(inputTokens: 9, outputTokens: 3))
        #expect(answer.stopReason == .endTurn)
        let calls = try await provider(fake).chat(request)
        #expect(calls.toolCalls == [ToolCall(id: "fc-7", name: "get_weather", arguments: ["city": "Paris"])])
        #expect(calls.stopReason == .toolUse)
    }

    @Test func fakeServesGenerateContentAsOneJSONObject() async throws {
        let fake = try FakeGeminiServer([.text(["Pa", "ris"], promptTokens: 4, candidatesTokens: 1)])
        defer { fake.shutdown() }
        let response = try await CurlTransport().send(
            HTTPRequest(
                method: "POST", url: fake.baseURL + "/models/gemini-2.5-flash:generateContent",
                headers: [("Content-Type", "application/json")], body: Data(#"{"contents":[]}"#.utf8)))
        #expect(response.head.headers["content-type"] == "application/json")
        let answer = try #require(JSONValue.parse(try await response.collectBody()))
        #expect(answer["candidates"]?[0]?["content"]?["parts"] == [["text": "Paris"]])
        #expect(answer["candidates"]?[0]?["finishReason"] == "STOP")
        #expect(answer["usageMetadata"]?["candidatesTokenCount"] == 1)
    }

    @Test func twoRoundToolConversation() async throws {
        let paris = GeminiFixtures.FunctionCall(
            name: "get_weather", args: ["city": "Paris"], thoughtSignature: "c2lnLUE=")
        let oslo = GeminiFixtures.FunctionCall(name: "get_weather", args: ["city": "Oslo"])
        let fake = try FakeGeminiServer([
            .functionCalls([paris, oslo], text: "Checking."), .text(["Sunny in Paris, snow in Oslo."]),
        ])
        defer { fake.shutdown() }
        let subject = provider(fake)
        var conversation = [ChatMessage.user("Weather in Paris and Oslo?")]
        let first = try await subject.chat(
            ChatRequest(model: "gemini-2.5-flash", messages: conversation, tools: [weatherTool]))
        let signedID = "call_0_get_weather_" + GeminiToolCallID.fnv1a32Hex("c2lnLUE=")
        #expect(first.content == "Checking.")
        #expect(
            first.toolCalls == [
                ToolCall(id: signedID, name: "get_weather", arguments: ["city": "Paris"]),
                ToolCall(id: "call_1_get_weather", name: "get_weather", arguments: ["city": "Oslo"]),
            ])
        #expect(first.stopReason == .toolUse)

        // Results that name only the call id: the function name must come from the history.
        conversation += [
            .assistant(first.content, toolCalls: first.toolCalls),
            ChatMessage(role: .tool, content: "sunny", toolCallID: signedID),
            ChatMessage(role: .tool, content: "snow", toolCallID: "call_1_get_weather"),
        ]
        let second = try await subject.chat(
            ChatRequest(model: "gemini-2.5-flash", messages: conversation, tools: [weatherTool]))
        #expect(second.content == "Sunny in Paris, snow in Oslo.")

        let bodies = await fake.requestBodies
        #expect(
            bodies.first??["tools"] == [
                [
                    "functionDeclarations": [
                        [
                            "name": "get_weather", "description": "Current weather for a city",
                            "parameters": weatherTool.parameters,
                        ]
                    ]
                ]
            ])
        #expect(
            bodies.last??["contents"] == [
                ["role": "user", "parts": [["text": "Weather in Paris and Oslo?"]]],
                [
                    "role": "model",
                    "parts": [
                        ["text": "Checking."],
                        [
                            "functionCall": ["name": "get_weather", "args": ["city": "Paris"]],
                            "thoughtSignature": "c2lnLUE=",
                        ],
                        ["functionCall": ["name": "get_weather", "args": ["city": "Oslo"]]],
                    ],
                ],
                [
                    "role": "user",
                    "parts": [
                        ["functionResponse": ["name": "get_weather", "response": ["output": "sunny"]]],
                        ["functionResponse": ["name": "get_weather", "response": ["output": "snow"]]],
                    ],
                ],
            ])
    }

    @Test func idsGeminiSentAreEchoedOnCallAndResult() async throws {
        let call = GeminiFixtures.FunctionCall(name: "get_weather", args: ["city": "Rome"], id: "fc-91")
        let fake = try FakeGeminiServer([.functionCalls([call]), .text(["ok"])])
        defer { fake.shutdown() }
        let subject = provider(fake)
        let first = try await subject.chat(ChatRequest(model: "gemini-3-pro-preview", messages: [.user("Rome?")]))
        #expect(first.toolCalls.map(\.id) == ["fc-91"])
        _ = try await subject.chat(
            ChatRequest(
                model: "gemini-3-pro-preview",
                messages: [
                    .user("Rome?"), .assistant("", toolCalls: first.toolCalls),
                    .toolResult(for: first.toolCalls[0], content: "warm"),
                ]))
        let contents = try #require(await fake.requestBodies.last??["contents"])
        // Gemini 3 sent no signature for this call, so the documented stand-in goes back with it.
        #expect(
            contents[1] == [
                "role": "model",
                "parts": [
                    [
                        "functionCall": ["name": "get_weather", "args": ["city": "Rome"], "id": "fc-91"],
                        "thoughtSignature": "skip_thought_signature_validator",
                    ]
                ],
            ])
        #expect(
            contents[2] == [
                "role": "user",
                "parts": [
                    ["functionResponse": ["name": "get_weather", "response": ["output": "warm"], "id": "fc-91"]]
                ],
            ])
    }

    @Test func rateLimitReadsRetryDelayAndRetryAfter() async throws {
        let fake = try FakeGeminiServer([
            .rateLimited(retryDelay: "17s"), .rateLimited(retryDelay: "17s", headers: [("Retry-After", "3")]),
            .rateLimited(),
        ])
        defer { fake.shutdown() }
        var kinds: [ProviderError.Kind] = []
        for _ in 0..<3 {
            let (_, error) = await drain(provider(fake).stream(request))
            let failure = try #require(error as? ProviderError)
            #expect(failure.isRetriable)
            #expect(failure.message.contains("HTTP 429 RESOURCE_EXHAUSTED: You exceeded your current quota"))
            kinds.append(failure.kind)
        }
        #expect(kinds == [.rateLimited(retryAfter: 17), .rateLimited(retryAfter: 3), .rateLimited(retryAfter: nil)])
    }

    @Test func rateLimitThenSuccessThroughRetryWaitsTheRetryDelay() async throws {
        let fake = try FakeGeminiServer([.rateLimited(retryDelay: "17s"), .overloaded, .text(["ok"])])
        defer { fake.shutdown() }
        let log = SleepLog()
        let retrying = RetryingProvider(
            wrapping: provider(fake), sleep: { await log.record($0) }, random: { $0.upperBound })
        #expect(try await retrying.chat(request).content == "ok")
        #expect(await log.delays == [17, 2])
        #expect(await fake.requests.count == 3)
    }

    @Test func errorsAreClassified() async throws {
        let fake = try FakeGeminiServer([
            .contextOverflow, .invalidAPIKey, .permissionDenied, .serverError, .blockedPrompt(), .malformedJSON,
            .truncated(["Par"]),
        ])
        defer { fake.shutdown() }
        var failures: [ProviderError] = []
        for _ in 0..<7 {
            let (_, error) = await drain(provider(fake).stream(request))
            let failure = try #require(error as? ProviderError)
            #expect(failure.provider == "google")
            #expect(!failure.description.contains(Self.key))
            failures.append(failure)
        }
        #expect(
            failures.map(\.kind) == [
                .contextOverflow, .authentication, .authentication, .http(status: 500), .malformedResponse,
                .malformedResponse, .malformedResponse,
            ])
        #expect(failures[0].message.contains("The input token count (1200000) exceeds the maximum number"))
        #expect(failures[1].message.contains("INVALID_ARGUMENT/API_KEY_INVALID: API key not valid"))
        #expect(failures[2].message.contains("HTTP 403 PERMISSION_DENIED"))
        #expect(failures[3].isRetriable)
        #expect(failures[4].message.contains("Gemini blocked the prompt (promptFeedback.blockReason SAFETY)"))
        #expect(!failures[4].isRetriable)
        #expect(failures[5].message.contains("not a valid JSON object"))
        #expect(failures[6].message.contains("truncated"))
    }

    @Test func theKeyTravelsOnlyInTheHeader() async throws {
        let fake = try FakeGeminiServer([.text(["ok"])], apiKey: "AIza-the-right-key")
        defer { fake.shutdown() }
        let (_, error) = await drain(provider(fake).stream(request))
        let failure = try #require(error as? ProviderError)
        #expect(failure.kind == .authentication)
        let sent = try #require(await fake.requests.first)
        #expect(!sent.path.contains("key="))
        #expect(!"\(provider(fake))".contains(Self.key))
    }
}
