import OpenKoiCore
import Testing

@testable import OpenKoiProviders

/// The Responses and Anthropic adapters against a real llama.cpp server, which serves `/v1/responses` and
/// `/v1/messages` beside chat completions: a second check of both wire formats beyond the fakes. Opted
/// into with `OPENKOI_LOCAL_MODEL_URL=http://127.0.0.1:8080/v1` because CI machines may not run one.
@Suite(.enabled(if: localModelBaseURL != nil, "set OPENKOI_LOCAL_MODEL_URL to a running llama.cpp server"))
struct LocalResponsesAndMessagesTests {
    func responses() throws -> OpenAIResponsesProvider {
        OpenAIResponsesProvider(
            id: "local", baseURL: try #require(localModelBaseURL), apiKey: nil, transport: CurlTransport())
    }

    /// AnthropicProvider appends `/v1/messages` itself, so it takes the root without `/v1`.
    func messages() throws -> AnthropicProvider {
        var root = try #require(localModelBaseURL)
        while root.hasSuffix("/") { root.removeLast() }
        if root.hasSuffix("/v1") { root.removeLast(3) }
        return AnthropicProvider(id: "local", baseURL: root, apiKey: nil, transport: CurlTransport())
    }

    func model() async throws -> String {
        let listing = OpenAIChatProvider(
            id: "local", baseURL: try #require(localModelBaseURL), apiKey: nil, transport: CurlTransport())
        return try #require(try await listing.models().first?.id)
    }

    @Test func responsesStreamsAnAnswerWithUsage() async throws {
        let request = ChatRequest(
            model: try await model(), system: "Be brief.", messages: [.user("Say hello.")], maxTokens: 16,
            temperature: 0)
        var deltas = 0
        let response = try await ChatResponse.collect(try responses().stream(request), onText: { _ in deltas += 1 })
        #expect(!response.content.isEmpty)
        #expect(deltas > 1)
        #expect(response.usage.inputTokens + response.usage.cacheReadTokens > 0)
        #expect(response.usage.outputTokens > 0)
        // llama.cpp reports `completed` even when the output limit cut the answer.
        #expect([.endTurn, .maxTokens].contains(response.stopReason))
    }

    @Test func responsesAcceptsFunctionCallHistory() async throws {
        let call = ToolCall(id: "call_1", name: "get_weather", arguments: ["city": "Paris"])
        let request = ChatRequest(
            model: try await model(),
            messages: [
                .user("Weather in Paris?"), .assistant("Let me check.", toolCalls: [call]),
                .toolResult(for: call, content: "sunny"),
            ], tools: [weatherTool], maxTokens: 8, temperature: 0)
        let response = try await responses().chat(request)
        #expect(response.stopReason != .unknown)
        #expect(response.usage.outputTokens > 0)
    }

    @Test func responsesOverflowIsContextOverflow() async throws {
        let huge = String(repeating: "word ", count: 40_000)
        let subject = try responses()
        let error = await #expect(throws: ProviderError.self) {
            try await subject.chat(ChatRequest(model: "any", messages: [.user(huge)], maxTokens: 4))
        }
        #expect(error?.kind == .contextOverflow)
    }

    @Test func messagesStreamsAnAnswerWithUsage() async throws {
        let request = ChatRequest(
            model: try await model(), system: "Be brief.", messages: [.user("Say hello.")], maxTokens: 16,
            temperature: 0)
        var deltas = 0
        let response = try await ChatResponse.collect(try messages().stream(request), onText: { _ in deltas += 1 })
        #expect(!response.content.isEmpty)
        #expect(deltas > 1)
        #expect(response.usage.outputTokens > 0)
        #expect([.endTurn, .maxTokens].contains(response.stopReason))
    }
}
