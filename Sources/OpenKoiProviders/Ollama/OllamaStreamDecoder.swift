import FoundationEssentials
import OpenKoiCore

/// Turns `/api/chat` NDJSON lines into `ChatStreamEvent`s. Ollama sends each tool call whole, so there
/// is nothing to assemble, but it sends no ids: they are generated so results can be matched to calls.
struct OllamaStreamDecoder: ChatStreamDecoder {
    let provider: String
    /// Unique per answer so ids do not repeat across the turns of one conversation.
    private let idPrefix: String
    private var toolCallCount = 0
    private(set) var isFinished = false
    /// A line that was not JSON: fatal, but whether it was cut off or garbled is known only once we see
    /// whether the body ended right after it.
    private var unparsedLine: String?

    init(provider: String, idPrefix: String = String(UUID().uuidString.prefix(8)).lowercased()) {
        self.provider = provider
        self.idPrefix = idPrefix
    }

    mutating func consume(_ line: String) throws -> [ChatStreamEvent] {
        guard !isFinished, !line.allSatisfy(\.isWhitespace) else { return [] }
        if let unparsedLine {
            throw ProviderError.malformed(provider, "stream line is not valid JSON: \(unparsedLine.prefix(200))")
        }
        guard let chunk = JSONValue.parse(line) else {
            unparsedLine = line
            return []
        }
        if chunk["error"] != nil {
            // An error after the 200 head is a failure while generating, like a 500 would be.
            throw ProviderError.fromAPIError(
                APIErrorDetail(json: chunk), status: 500, retryAfter: nil, provider: provider, secret: nil)
        }
        var events: [ChatStreamEvent] = []
        if let text = chunk["message"]?["content"]?.stringValue, !text.isEmpty {
            events.append(.textDelta(text))
        }
        for call in chunk["message"]?["tool_calls"]?.arrayValue ?? [] {
            events.append(.toolCall(toolCall(call)))
        }
        if chunk["done"]?.boolValue == true {
            isFinished = true
            events.append(
                .usage(
                    TokenUsage(
                        inputTokens: chunk["prompt_eval_count"]?.intValue ?? 0,
                        outputTokens: chunk["eval_count"]?.intValue ?? 0)))
            events.append(.stop(stopReason(chunk["done_reason"]?.stringValue)))
        }
        return events
    }

    mutating func finish() throws -> [ChatStreamEvent] {
        if let unparsedLine {
            throw ProviderError.malformed(
                provider,
                "the stream ended inside a line that is not valid JSON (truncated or malformed response): "
                    + unparsedLine.prefix(200))
        }
        guard isFinished else {
            throw ProviderError.malformed(provider, "the stream ended before done:true (truncated response)")
        }
        return []
    }

    private mutating func toolCall(_ call: JSONValue) -> ToolCall {
        defer { toolCallCount += 1 }
        let function = call["function"]
        var arguments = function?["arguments"] ?? .object([:])
        // Older servers and some templates send the arguments as JSON text.
        if case .string(let raw) = arguments { arguments = ToolArgumentText.parse(raw) }
        let id = call["id"]?.stringValue ?? "call_\(idPrefix)_\(toolCallCount)"
        return ToolCall(id: id, name: function?["name"]?.stringValue ?? "", arguments: arguments)
    }

    private func stopReason(_ reason: String?) -> StopReason {
        switch reason {
        case "length": return .maxTokens
        case "stop", nil: return toolCallCount > 0 ? .toolUse : .endTurn
        default: return .unknown
        }
    }
}
