import FoundationEssentials
import OpenKoiCore
import Testing

@testable import OpenKoiProviders

/// Only loopback addresses are accepted: tests never leave the machine.
let localModelBaseURL = ProcessInfo.processInfo.environment["OPENKOI_LOCAL_MODEL_URL"].flatMap {
    $0.hasPrefix("http://127.0.0.1") ? $0 : nil
}

/// The OpenAI adapter against a real llama.cpp server (`scripts/local-model/start.sh`), opted into with
/// `OPENKOI_LOCAL_MODEL_URL=http://127.0.0.1:8080/v1` because CI machines may not run one.
@Suite(.enabled(if: localModelBaseURL != nil, "set OPENKOI_LOCAL_MODEL_URL to a running llama.cpp server"))
struct LocalModelTests {

    func provider() throws -> OpenAIChatProvider {
        OpenAIChatProvider(
            id: "local", baseURL: try #require(localModelBaseURL), apiKey: nil, transport: CurlTransport())
    }

    @Test func streamsAnAnswerWithUsage() async throws {
        let subject = try provider()
        let model = try #require(try await subject.models().first?.id)
        var deltas = 0
        let response = try await ChatResponse.collect(
            subject.stream(ChatRequest(model: model, messages: [.user("Say hello.")], maxTokens: 16, temperature: 0)),
            onText: { _ in deltas += 1 })
        #expect(!response.content.isEmpty)
        #expect(deltas > 1)
        #expect(response.usage.inputTokens + response.usage.cacheReadTokens > 0)
        #expect(response.usage.outputTokens > 0)
        #expect([.endTurn, .maxTokens].contains(response.stopReason))
    }

    @Test func toolHistoryIsAccepted() async throws {
        let subject = try provider()
        let call = ToolCall(id: "call_1", name: "get_weather", arguments: ["city": "Paris"])
        let request = ChatRequest(
            model: "any",
            messages: [.user("Weather?"), .assistant("", toolCalls: [call]), .toolResult(for: call, content: "sunny")],
            tools: [weatherTool], maxTokens: 8, temperature: 0)
        let response = try await subject.chat(request)
        #expect(response.stopReason != .unknown)
    }

    @Test func oversizedPromptIsContextOverflow() async throws {
        let subject = try provider()
        let huge = String(repeating: "word ", count: 40_000)
        let error = await #expect(throws: ProviderError.self) {
            try await subject.chat(ChatRequest(model: "any", messages: [.user(huge)], maxTokens: 4))
        }
        #expect(error?.kind == .contextOverflow)
    }
}
