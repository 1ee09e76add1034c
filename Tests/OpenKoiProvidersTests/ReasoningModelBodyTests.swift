import OpenKoiCore
import OpenKoiTesting
import Testing

@testable import OpenKoiProviders

/// Reasoning models (o-series, gpt-5*) get `max_completion_tokens` and no temperature on chat completions.
struct ReasoningModelBodyTests {
    @Test(arguments: ["o1", "o3", "o3-mini", "o4-mini", "gpt-5", "gpt-5.1-codex", "openai/o3-mini", "O3-MINI"])
    func reasoningModelsAreRecognised(model: String) {
        #expect(OpenAIModelFamily.isReasoningModel(model))
    }

    @Test(arguments: ["gpt-4.1", "gpt-4o", "o", "omni-moderation-latest", "smollm2", "openai/gpt-4.1-mini", "o3x"])
    func chatModelsAreNot(model: String) {
        #expect(!OpenAIModelFamily.isReasoningModel(model))
    }

    @Test func chatCompletionsBodyForAReasoningModel() {
        let request = ChatRequest(
            model: "o3-mini", system: "Be brief.", messages: [.user("x")], maxTokens: 50, temperature: 0.7,
            logprobs: true, stop: ["END"])
        #expect(
            OpenAIRequestBody.make(request, structuredOutput: true) == [
                "model": "o3-mini", "stream": true, "stream_options": ["include_usage": true],
                "max_completion_tokens": 50,
                "messages": [["role": "system", "content": "Be brief."], ["role": "user", "content": "x"]],
            ])
    }

    @Test func chatCompletionsBodyForAChatModel() {
        let request = ChatRequest(
            model: "gpt-4.1", messages: [.user("x")], maxTokens: 50, temperature: 0.7, stop: ["END"])
        #expect(
            OpenAIRequestBody.make(request) == [
                "model": "gpt-4.1", "stream": true, "stream_options": ["include_usage": true], "max_tokens": 50,
                "temperature": 0.7, "stop": ["END"], "messages": [["role": "user", "content": "x"]],
            ])
    }
}

/// The judge's pinned seed reaches every wire format that takes one.
struct SamplingSeedBodyTests {
    static let request = ChatRequest(model: "m", messages: [.user("x")], temperature: 0.1, seed: 7)

    @Test func openAICompatibleOllamaAndGeminiBodiesCarryTheSeed() {
        #expect(OpenAIRequestBody.make(Self.request)["seed"] == 7)
        #expect(OllamaRequestBody.make(Self.request)["options"]?["seed"] == 7)
        #expect(GeminiRequestBody.make(Self.request)["generationConfig"]?["seed"] == 7)
        var unseeded = Self.request
        unseeded.seed = nil
        #expect(OpenAIRequestBody.make(unseeded)["seed"] == nil)
    }
}
