/// A model API: one wire format bound to an endpoint and credentials.
///
/// Implementations live in OpenKoiProviders (and scripted fakes in OpenKoiTesting). Cancelling
/// the calling `Task` must abort the in-flight HTTP transfer.
public protocol ModelProvider: Sendable {
    /// Provider id as used in `provider/model` (`anthropic`, `openai`, `ollama`, `local`, …).
    var id: String { get }

    /// Streams one answer. The stream finishes after a `.stop` event or throws a `ProviderError`.
    func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error>
}

extension ModelProvider {
    /// Runs a request to completion, collecting the streamed events.
    public func chat(_ request: ChatRequest) async throws -> ChatResponse {
        try await ChatResponse.collect(stream(request))
    }
}

extension ChatResponse {
    /// Folds a stream into one response; `onText` sees each text delta as it arrives.
    /// - Parameter cut: given the text so far, where to end the reply early (the stream is then
    ///   abandoned, which cancels the transfer); the reply stops with `.stopSequence`.
    public static func collect(
        _ events: AsyncThrowingStream<ChatStreamEvent, any Error>, onText: (String) -> Void = { _ in },
        cut: ((String) -> String.Index?)? = nil
    ) async throws -> ChatResponse {
        var response = ChatResponse(content: "", stopReason: .unknown)
        for try await event in events {
            switch event {
            case .textDelta(let text):
                response.content += text
                onText(text)
                if let cut, let end = cut(response.content) {
                    response.content = String(response.content[..<end])
                    response.stopReason = .stopSequence
                    // The usage event never comes: estimate the output at ~4 bytes a token for the budget.
                    if response.usage.outputTokens == 0 {
                        response.usage.outputTokens = response.content.utf8.count / 4
                    }
                    return response
                }
            case .toolCall(let call): response.toolCalls.append(call)
            case .usage(let usage): response.usage.merge(usage)
            case .logprobs(let values): response.logprobs += values
            case .fallback(let model, let pricing):
                response.servedBy = model
                response.pricing = pricing
            case .stop(let reason): response.stopReason = reason
            }
        }
        if response.stopReason == .unknown, !response.toolCalls.isEmpty { response.stopReason = .toolUse }
        return response
    }
}

extension TokenUsage {
    /// Takes every non-zero field of `newer`: streams report input and output usage in separate events.
    public mutating func merge(_ newer: TokenUsage) {
        if newer.inputTokens != 0 { inputTokens = newer.inputTokens }
        if newer.outputTokens != 0 { outputTokens = newer.outputTokens }
        if newer.cacheReadTokens != 0 { cacheReadTokens = newer.cacheReadTokens }
        if newer.cacheWriteTokens != 0 { cacheWriteTokens = newer.cacheWriteTokens }
    }
}

/// What a provider knows about one of its models.
public struct ModelInfo: Sendable, Hashable, Codable {
    public var id: String
    public var contextWindow: Int
    public var maxOutputTokens: Int
    public var supportsTools: Bool
    public var pricing: ModelPricing?

    public init(
        id: String, contextWindow: Int = 128_000, maxOutputTokens: Int = 16_384, supportsTools: Bool = true,
        pricing: ModelPricing? = nil
    ) {
        self.id = id
        self.contextWindow = contextWindow
        self.maxOutputTokens = maxOutputTokens
        self.supportsTools = supportsTools
        self.pricing = pricing
    }
}
