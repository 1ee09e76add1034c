import OpenKoiCore

/// Turns the semantic events of a Responses API stream (each SSE `data:` carries its `type`) into
/// `ChatStreamEvent`s.
///
/// Text is forwarded as `response.output_text.delta` arrives. A function call is announced by
/// `response.output_item.added` (its `call_id` and `name`), its arguments stream as
/// `response.function_call_arguments.delta`, and it is emitted whole at `response.output_item.done`.
/// The stream ends with `response.completed`, `response.incomplete` or `response.failed`; there is no
/// `[DONE]`. Output that only the final response lists (a host that streams no items) is emitted then.
struct OpenAIResponsesStreamDecoder: EventStreamDecoder {
    let provider: String
    private(set) var isFinished = false
    /// Function calls in progress, by item id, and the order they were announced in.
    private var calls: [String: PartialToolCall] = [:]
    private var callOrder: [String] = []
    /// Items whose content has been emitted already (text streamed, or the call emitted).
    private var emittedItems: Set<String> = []
    private var hadToolCalls = false

    init(provider: String) {
        self.provider = provider
    }

    mutating func consume(_ data: String) throws -> [ChatStreamEvent] {
        guard !isFinished else { return [] }
        guard let event = JSONValue.parse(data), event.objectValue != nil else {
            throw ProviderError.malformed(provider, "stream event is not valid JSON: \(data.prefix(200))")
        }
        return try consume(event: event)
    }

    mutating func consume(event: JSONValue) throws -> [ChatStreamEvent] {
        switch event["type"]?.stringValue {
        case "response.output_text.delta", "response.refusal.delta":
            return textDelta(event)
        case "response.output_item.added":
            if let item = event["item"], item["type"]?.stringValue == "function_call" {
                updateCall(itemKey(item["id"], event)) { call in
                    if let id = item["call_id"]?.stringValue { call.id = id }
                    call.name = item["name"]?.stringValue ?? call.name
                    call.arguments = item["arguments"]?.stringValue ?? call.arguments
                }
            }
            return []
        case "response.function_call_arguments.delta":
            updateCall(itemKey(event["item_id"], event)) { $0.arguments += event["delta"]?.stringValue ?? "" }
            return []
        case "response.function_call_arguments.done":
            if let arguments = event["arguments"]?.stringValue {
                updateCall(itemKey(event["item_id"], event)) { $0.arguments = arguments }
            }
            return []
        case "response.output_item.done":
            guard let item = event["item"] else { return [] }
            return finishItem(item, key: itemKey(item["id"], event))
        case "response.completed", "response.incomplete":
            return end(event["response"] ?? .object([:]), status: event["type"]?.stringValue ?? "")
        case "response.failed":
            throw streamFailure(event["response"]?["error"] ?? event["error"] ?? .null)
        case "error":
            throw streamFailure(event["error"] ?? event)
        case nil where event["error"] != nil:
            // A host that reports a failure after the 200 head the chat-completions way.
            throw streamFailure(event["error"] ?? .null)
        default:
            // created, in_progress, content_part, reasoning and newer event types carry nothing we need.
            return []
        }
    }

    /// A whole `response` object (a host that ignored `stream: true`), read as its terminal event.
    mutating func decode(wholeAnswer response: JSONValue) throws -> [ChatStreamEvent] {
        if let error = response["error"], !error.isNull {
            throw streamFailure(error)
        }
        switch response["status"]?.stringValue {
        case "completed":
            return end(response, status: "response.completed")
        case "incomplete":
            return end(response, status: "response.incomplete")
        case nil where response["output"] != nil:
            // Hosts that leave out `status` still list the output.
            return end(response, status: "response.completed")
        case let status:
            throw ProviderError.malformed(
                provider, "the non-streamed answer is not a finished response (status \(status ?? "missing"))")
        }
    }

    mutating func finish() throws -> [ChatStreamEvent] {
        guard isFinished else {
            throw ProviderError.malformed(
                provider, "the stream ended before response.completed (truncated response)")
        }
        return []
    }

    // MARK: - Events

    /// Changes the call in progress under `key`, starting it if this is the first word of it.
    private mutating func updateCall(_ key: String, _ change: (inout PartialToolCall) -> Void) {
        if calls[key] == nil { callOrder.append(key) }
        var call = calls[key] ?? PartialToolCall(id: key)
        change(&call)
        calls[key] = call
    }

    private mutating func textDelta(_ event: JSONValue) -> [ChatStreamEvent] {
        var events: [ChatStreamEvent] = []
        if let text = event["delta"]?.stringValue, !text.isEmpty {
            events.append(.textDelta(text))
            emittedItems.insert(itemKey(event["item_id"], event))
        }
        let logprobs = (event["logprobs"]?.arrayValue ?? []).compactMap { $0["logprob"]?.doubleValue }
        if !logprobs.isEmpty { events.append(.logprobs(logprobs)) }
        return events
    }

    /// A finished output item: a function call is emitted whole; a message whose text never streamed
    /// (a host that sends items only when done) is emitted at once.
    private mutating func finishItem(_ item: JSONValue, key: String) -> [ChatStreamEvent] {
        guard !emittedItems.contains(key) else { return [] }
        switch item["type"]?.stringValue {
        case "function_call":
            var call = calls.removeValue(forKey: key) ?? PartialToolCall(id: key)
            callOrder.removeAll { $0 == key }
            if let id = item["call_id"]?.stringValue, !id.isEmpty { call.id = id }
            if let name = item["name"]?.stringValue, !name.isEmpty { call.name = name }
            if let arguments = item["arguments"]?.stringValue, !arguments.isEmpty { call.arguments = arguments }
            emittedItems.insert(key)
            hadToolCalls = true
            return [
                .toolCall(call.toolCall())
            ]
        case "message":
            let text = (item["content"]?.arrayValue ?? [])
                .filter { ["output_text", "refusal"].contains($0["type"]?.stringValue) }
                .compactMap { $0["text"]?.stringValue ?? $0["refusal"]?.stringValue }
                .joined()
            guard !text.isEmpty else { return [] }
            emittedItems.insert(key)
            return [.textDelta(text)]
        default:
            return []
        }
    }

    /// The terminal event: output not streamed yet, usage, and the stop reason.
    private mutating func end(_ response: JSONValue, status: String) -> [ChatStreamEvent] {
        var events: [ChatStreamEvent] = []
        for (index, item) in (response["output"]?.arrayValue ?? []).enumerated() {
            events += finishItem(item, key: itemKey(item["id"], ["output_index": .number(Double(index))]))
        }
        // Calls announced but never finished (a host that skips output_item.done).
        for key in callOrder {
            guard let call = calls[key] else { continue }
            events.append(
                .toolCall(call.toolCall())
            )
            hadToolCalls = true
        }
        calls = [:]
        callOrder = []
        if let usage = response["usage"], !usage.isNull {
            events.append(.usage(Self.tokenUsage(usage)))
        }
        isFinished = true
        return events + [.stop(stopReason(status: status, response: response))]
    }

    private func stopReason(status: String, response: JSONValue) -> StopReason {
        if status == "response.incomplete" {
            switch response["incomplete_details"]?["reason"]?.stringValue {
            case "max_output_tokens": return .maxTokens
            default: return .unknown
            }
        }
        return hadToolCalls ? .toolUse : .endTurn
    }

    /// Events name their item by `item_id`; a host without ids is matched by `output_index`.
    private func itemKey(_ id: JSONValue?, _ event: JSONValue) -> String {
        if let id = id?.stringValue, !id.isEmpty { return id }
        return "output_\(event["output_index"]?.intValue ?? 0)"
    }

    /// `response.failed`'s `error` (`code`, `message`) and the `error` event (the same fields at its top
    /// level, or under `error`) as a classified error.
    private func streamFailure(_ error: JSONValue) -> ProviderError {
        var fields: [String: JSONValue] = [
            "message": error["message"] ?? error.stringValue.map(JSONValue.string)
                ?? "the stream failed without an error message"
        ]
        if let code = error["code"]?.stringValue { fields["code"] = .string(code) }
        if let type = error["type"]?.stringValue, type != "error" { fields["type"] = .string(type) }
        let detail = APIErrorDetail(json: ["error": .object(fields)])
        let status: Int
        switch detail.code ?? detail.type {
        case "rate_limit_exceeded", "insufficient_quota", "usage_limit_reached": status = 429
        case "server_error", "internal_error", "server_is_overloaded", "overloaded", nil: status = 500
        default: status = 400
        }
        return ProviderError.fromAPIError(detail, status: status, retryAfter: nil, provider: provider, secret: nil)
    }

    /// Responses usage counts cached tokens inside `input_tokens`; they are split out so each is priced once.
    static func tokenUsage(_ usage: JSONValue) -> TokenUsage {
        let input = usage["input_tokens"]?.intValue ?? 0
        let cached = usage["input_tokens_details"]?["cached_tokens"]?.intValue ?? 0
        return TokenUsage(
            inputTokens: max(0, input - cached), outputTokens: usage["output_tokens"]?.intValue ?? 0,
            cacheReadTokens: min(cached, input))
    }
}
