import OpenKoiCore

/// Turns a Messages API SSE stream into `ChatStreamEvent`s.
///
/// Text is forwarded as it arrives; a `tool_use` block collects its `input_json_delta` pieces and is
/// emitted whole at its `content_block_stop`.
struct AnthropicStreamDecoder: EventStreamDecoder {
    let provider: String
    private var toolBlocks: [Int: PartialToolUse] = [:]
    private var stopReason: StopReason = .unknown
    private(set) var isFinished = false

    private struct PartialToolUse {
        var id: String
        var name: String
        var json = ""
        var initialInput: JSONValue
    }

    init(provider: String) {
        self.provider = provider
    }

    mutating func consume(_ data: String) throws -> [ChatStreamEvent] {
        guard !isFinished else { return [] }
        guard let event = JSONValue.parse(data) else {
            throw ProviderError.malformed(provider, "stream event is not valid JSON: \(data.prefix(200))")
        }
        switch event["type"]?.stringValue {
        case "message_start":
            guard let usage = event["message"]?["usage"] else { return [] }
            return [.usage(Self.tokenUsage(usage))]
        case "content_block_start":
            return try startBlock(event)
        case "content_block_delta":
            return try applyDelta(event)
        case "content_block_stop":
            guard let index = event["index"]?.intValue, let block = toolBlocks.removeValue(forKey: index) else {
                return []
            }
            let arguments = block.json.isEmpty ? block.initialInput : ToolArgumentText.parse(block.json)
            return [.toolCall(ToolCall(id: block.id, name: block.name, arguments: arguments))]
        case "message_delta":
            if let reason = event["delta"]?["stop_reason"]?.stringValue {
                stopReason = StopReason(rawValue: reason) ?? .unknown
            }
            guard let usage = event["usage"] else { return [] }
            return [.usage(Self.tokenUsage(usage))]
        case "message_stop":
            isFinished = true
            return [.stop(stopReason)]
        case "error":
            throw Self.streamError(event, provider: provider)
        default:
            // `ping` and event types added after this was written carry nothing we need.
            return []
        }
    }

    mutating func finish() throws -> [ChatStreamEvent] {
        guard isFinished else {
            throw ProviderError.malformed(provider, "the stream ended before message_stop (truncated response)")
        }
        return []
    }

    private mutating func startBlock(_ event: JSONValue) throws -> [ChatStreamEvent] {
        guard let index = event["index"]?.intValue, let block = event["content_block"] else {
            throw ProviderError.malformed(provider, "content_block_start without index or content_block")
        }
        switch block["type"]?.stringValue {
        case "tool_use":
            toolBlocks[index] = PartialToolUse(
                id: block["id"]?.stringValue ?? "toolu_\(index)", name: block["name"]?.stringValue ?? "",
                initialInput: block["input"] ?? .object([:]))
            return []
        case "text":
            let text = block["text"]?.stringValue ?? ""
            return text.isEmpty ? [] : [.textDelta(text)]
        default:
            return []
        }
    }

    private mutating func applyDelta(_ event: JSONValue) throws -> [ChatStreamEvent] {
        guard let index = event["index"]?.intValue, let delta = event["delta"] else {
            throw ProviderError.malformed(provider, "content_block_delta without index or delta")
        }
        switch delta["type"]?.stringValue {
        case "text_delta":
            let text = delta["text"]?.stringValue ?? ""
            return text.isEmpty ? [] : [.textDelta(text)]
        case "input_json_delta":
            toolBlocks[index]?.json += delta["partial_json"]?.stringValue ?? ""
            return []
        default:
            // Thinking and signature deltas are not part of the answer.
            return []
        }
    }

    /// A whole non-streamed `message` (a gateway that ignored `stream: true`), as the events its
    /// stream would have carried.
    mutating func decode(wholeAnswer message: JSONValue) throws -> [ChatStreamEvent] {
        if message["type"]?.stringValue == "error" { throw Self.streamError(message, provider: provider) }
        guard let blocks = message["content"]?.arrayValue else {
            throw ProviderError.malformed(provider, "the non-streamed answer has no \"content\"")
        }
        var events: [ChatStreamEvent] = []
        if let usage = message["usage"] { events.append(.usage(Self.tokenUsage(usage))) }
        for (index, block) in blocks.enumerated() {
            switch block["type"]?.stringValue {
            case "text":
                if let text = block["text"]?.stringValue, !text.isEmpty { events.append(.textDelta(text)) }
            case "tool_use":
                events.append(
                    .toolCall(
                        ToolCall(
                            id: block["id"]?.stringValue ?? "toolu_\(index)", name: block["name"]?.stringValue ?? "",
                            arguments: block["input"] ?? .object([:]))))
            default:
                continue
            }
        }
        isFinished = true
        let reason = message["stop_reason"]?.stringValue.flatMap(StopReason.init(rawValue:)) ?? .unknown
        return events + [.stop(reason)]
    }

    /// `input_tokens` excludes cache reads and writes in this API, so the fields map one to one.
    static func tokenUsage(_ usage: JSONValue) -> TokenUsage {
        TokenUsage(
            inputTokens: usage["input_tokens"]?.intValue ?? 0, outputTokens: usage["output_tokens"]?.intValue ?? 0,
            cacheReadTokens: usage["cache_read_input_tokens"]?.intValue ?? 0,
            cacheWriteTokens: usage["cache_creation_input_tokens"]?.intValue ?? 0)
    }

    /// An `error` event after the 200 head carries the same error types as an HTTP error body; each is
    /// given the status Anthropic documents for it so retry and overflow handling treat them alike.
    static func streamError(_ event: JSONValue, provider: String) -> ProviderError {
        let detail = APIErrorDetail(json: event)
        let status: Int
        switch detail.type {
        case "overloaded_error": status = 529
        case "rate_limit_error": status = 429
        case "invalid_request_error": status = 400
        case "authentication_error": status = 401
        case "permission_error": status = 403
        case "not_found_error": status = 404
        case "request_too_large": status = 413
        case "timeout_error": status = 504
        default: status = 500
        }
        return ProviderError.fromAPIError(detail, status: status, retryAfter: nil, provider: provider, secret: nil)
    }
}
