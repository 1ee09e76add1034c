import OpenKoiCore
import OpenKoiTesting
import Testing

@testable import OpenKoiProviders

/// Stream shapes that are easier to script byte by byte than to serve.
struct GeminiStreamDecoderTests {
    let request = ChatRequest(model: "gemini-2.5-pro", messages: [.user("x")])

    func provider(_ transport: any HTTPTransport) -> GeminiProvider {
        GeminiProvider(baseURL: "http://127.0.0.1:1/v1beta/", apiKey: "AIza-unit-1234", transport: transport)
    }

    func chunk(_ parts: [JSONValue], finishReason: String? = nil, usage: JSONValue = GeminiFixtures.usage(prompt: 3))
        -> String
    {
        GeminiFixtures.event(GeminiFixtures.response(parts: parts, finishReason: finishReason, usage: usage))
    }

    @Test func thoughtSummariesAreNotPartOfTheAnswer() async throws {
        let transport = ScriptedTransport([
            .respond(chunks: [
                chunk([["text": "Considering capitals…", "thought": true]]),
                chunk(
                    [["text": "Paris", "thoughtSignature": "c2ln"]], finishReason: "STOP",
                    usage: [
                        "promptTokenCount": 30, "cachedContentTokenCount": 20, "toolUsePromptTokenCount": 4,
                        "candidatesTokenCount": 1, "thoughtsTokenCount": 9,
                    ]),
            ])
        ])
        let (events, error) = await drain(provider(transport).stream(request))
        #expect(error == nil)
        #expect(
            events == [
                .textDelta("Paris"), .usage(TokenUsage(inputTokens: 14, outputTokens: 10, cacheReadTokens: 20)),
                .stop(.endTurn),
            ])
        #expect(
            await transport.requests.first?.url
                == "http://127.0.0.1:1/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse")
    }

    @Test func maxTokensStopsWithMaxTokens() async throws {
        let transport = ScriptedTransport([
            .respond(chunks: GeminiFixtures.textStream(["long"], finishReason: "MAX_TOKENS"))
        ])
        #expect(try await provider(transport).chat(request).stopReason == .maxTokens)
    }

    @Test(arguments: [
        ("SAFETY", "safety filters"), ("RECITATION", "published text"), ("MALFORMED_FUNCTION_CALL", "does not parse"),
    ])
    func withheldAnswersAreErrorsNamingTheReason(reason: String, explanation: String) async throws {
        let transport = ScriptedTransport([
            .respond(chunks: GeminiFixtures.textStream(["Once upon"], finishReason: reason))
        ])
        let (events, error) = await drain(provider(transport).stream(request))
        #expect(events == [.textDelta("Once upon")])
        let failure = try #require(error as? ProviderError)
        #expect(failure.kind == .malformedResponse)
        #expect(failure.message.contains("finishReason \(reason)"))
        #expect(failure.message.contains(explanation))
    }

    @Test func errorObjectAfterTheHeadIsClassified() async throws {
        let transport = ScriptedTransport([
            .respond(chunks: [GeminiFixtures.textStream(["a", "b"])[0], "data: \(GeminiFixtures.overloaded)\r\n\r\n"])
        ])
        let (events, error) = await drain(provider(transport).stream(request))
        #expect(events == [.textDelta("a")])
        let failure = try #require(error as? ProviderError)
        #expect(failure.kind == .http(status: 503))
        #expect(failure.isRetriable)
        #expect(failure.message.contains("UNAVAILABLE: The model is overloaded"))
    }

    @Test func streamCutInsideAnEventIsTruncated() async throws {
        let transport = ScriptedTransport([
            .respond(chunks: [GeminiFixtures.textStream(["a"])[0].prefix(30).description])
        ])
        let (_, error) = await drain(provider(transport).stream(request))
        let failure = try #require(error as? ProviderError)
        #expect(failure.kind == .malformedResponse)
        #expect(failure.message.contains("truncated"))
    }

    @Test func quotaWithLimitZeroIsNotRetried() async throws {
        let body = GeminiFixtures.error(
            code: 429, status: "RESOURCE_EXHAUSTED",
            message: "Quota exceeded for metric: generate_content_free_tier_requests, limit: 0, model: gemini-2.5-pro",
            details: [["@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "40s"]])
        let transport = ScriptedTransport([.respond(status: 429, chunks: [body])])
        let (_, error) = await drain(provider(transport).stream(request))
        let failure = try #require(error as? ProviderError)
        #expect(failure.kind == .http(status: 429))
        #expect(!failure.isRetriable)
    }

    @Test func wholeAnswerWithoutCandidatesIsMalformed() throws {
        var decoder = GeminiStreamDecoder(provider: "google")
        let failure = #expect(throws: ProviderError.self) {
            try decoder.decode(wholeAnswer: ["usageMetadata": GeminiFixtures.usage(prompt: 1)])
        }
        #expect(failure?.message == "the non-streamed answer has no \"candidates\"")
    }
}
