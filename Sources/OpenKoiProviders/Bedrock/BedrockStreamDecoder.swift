import FoundationEssentials
import OpenKoiCore

/// Turns ConverseStream event-stream messages (and a whole Converse answer) into `ChatStreamEvent`s.
///
/// Text is forwarded as it arrives; a `toolUse` block collects its input fragments and is emitted whole
/// at its `contentBlockStop`. `messageStop` carries the stop reason but `metadata` (the usage) follows
/// it, so the `.stop` event is held back until then and stays the last event.
struct BedrockStreamDecoder {
    let provider: String
    private var toolBlocks: [Int: PartialToolCall] = [:]
    private var stopReason: StopReason?
    private(set) var isFinished = false

    init(provider: String) {
        self.provider = provider
    }

    mutating func consume(_ message: AWSEventStreamMessage) throws -> [ChatStreamEvent] {
        guard !isFinished else { return [] }
        switch message.string(":message-type") {
        case "event":
            let type = message.string(":event-type") ?? ""
            guard let event = JSONValue.parse(message.payload), event.objectValue != nil else {
                throw ProviderError.malformed(
                    provider,
                    "the \(type) event's payload is not a JSON object: \(StreamedBody.preview(message.payload))"
                )
            }
            return try consume(event: type, event)
        case "exception":
            throw ProviderError.fromBedrockException(
                type: message.string(":exception-type"), payload: message.payload, provider: provider)
        case "error":
            let code = message.string(":error-code") ?? "unknown error"
            throw ProviderError(
                .http(status: 500), provider: provider,
                message: "stream error \(code): \(message.string(":error-message") ?? "no error message")")
        case let other:
            throw ProviderError.malformed(
                provider, "an event-stream frame has :message-type \(other.map { "\"\($0)\"" } ?? "missing")")
        }
    }

    private mutating func consume(event type: String, _ event: JSONValue) throws -> [ChatStreamEvent] {
        let index = event["contentBlockIndex"]?.intValue ?? 0
        switch type {
        case "contentBlockStart":
            if let toolUse = event["start"]?["toolUse"] {
                toolBlocks[index] = PartialToolCall(
                    id: toolUse["toolUseId"]?.stringValue ?? "tooluse_\(index)",
                    name: toolUse["name"]?.stringValue ?? "")
            }
            return []
        case "contentBlockDelta":
            let delta = event["delta"]
            if let text = delta?["text"]?.stringValue { return text.isEmpty ? [] : [.textDelta(text)] }
            if let input = delta?["toolUse"]?["input"]?.stringValue {
                guard toolBlocks[index] != nil else {
                    throw ProviderError.malformed(
                        provider, "tool input arrived for block \(index), which never started")
                }
                toolBlocks[index]?.arguments += input
            }
            // Reasoning and citation deltas are not part of the answer.
            return []
        case "contentBlockStop":
            guard let block = toolBlocks.removeValue(forKey: index) else { return [] }
            return [.toolCall(block.toolCall())]
        case "messageStop":
            stopReason = Self.stopReason(event["stopReason"]?.stringValue)
            return []
        case "metadata":
            isFinished = true
            let usage = event["usage"].map { [ChatStreamEvent.usage(Self.tokenUsage($0))] } ?? []
            return usage + [.stop(stopReason ?? .unknown)]
        default:
            // `messageStart` (the role is always assistant) and event types added after this was written.
            return []
        }
    }

    /// Called when the body ends: a stream that reached `messageStop` is complete even without usage.
    mutating func finish() throws -> [ChatStreamEvent] {
        if isFinished { return [] }
        guard let stopReason else {
            throw ProviderError.malformed(provider, "the stream ended before messageStop (truncated response)")
        }
        isFinished = true
        return [.stop(stopReason)]
    }

    /// A whole `/converse` answer: `output.message.content[]`, `usage` and `stopReason`.
    mutating func decode(wholeAnswer answer: JSONValue) throws -> [ChatStreamEvent] {
        guard let blocks = answer["output"]?["message"]?["content"]?.arrayValue else {
            throw ProviderError.malformed(provider, "the Converse answer has no output.message.content")
        }
        var events: [ChatStreamEvent] = []
        if let usage = answer["usage"] { events.append(.usage(Self.tokenUsage(usage))) }
        for (index, block) in blocks.enumerated() {
            if let text = block["text"]?.stringValue, !text.isEmpty {
                events.append(.textDelta(text))
            } else if let toolUse = block["toolUse"] {
                events.append(
                    .toolCall(
                        ToolCall(
                            id: toolUse["toolUseId"]?.stringValue ?? "tooluse_\(index)",
                            name: toolUse["name"]?.stringValue ?? "", arguments: toolUse["input"] ?? .object([:]))))
            }
        }
        isFinished = true
        return events + [.stop(Self.stopReason(answer["stopReason"]?.stringValue))]
    }

    /// `inputTokens` excludes cache reads and writes, which Bedrock reports separately.
    static func tokenUsage(_ usage: JSONValue) -> TokenUsage {
        TokenUsage(
            inputTokens: usage["inputTokens"]?.intValue ?? 0, outputTokens: usage["outputTokens"]?.intValue ?? 0,
            cacheReadTokens: usage["cacheReadInputTokens"]?.intValue ?? 0,
            cacheWriteTokens: usage["cacheWriteInputTokens"]?.intValue ?? 0)
    }

    /// Guardrail and content-filter stops have no `StopReason` of their own; `.unknown` keeps them from
    /// passing for a normal end of turn.
    static func stopReason(_ text: String?) -> StopReason {
        switch text {
        case "end_turn": return .endTurn
        case "tool_use": return .toolUse
        case "max_tokens", "model_context_window_exceeded": return .maxTokens
        case "stop_sequence": return .stopSequence
        default: return .unknown
        }
    }
}
