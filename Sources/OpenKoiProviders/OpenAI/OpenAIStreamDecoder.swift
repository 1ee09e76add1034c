import OpenKoiCore

/// Turns the `data:` payloads of a chat-completions SSE stream into `ChatStreamEvent`s.
///
/// Tool calls arrive as fragments keyed by `index` (id and name first, then argument text in pieces);
/// they are emitted whole once the choice finishes.
struct OpenAIStreamDecoder: EventStreamDecoder {
    let provider: String
    private var toolCalls: [Int: PartialToolCall] = [:]
    private var finishReason: String?
    private var sawDone = false

    init(provider: String) {
        self.provider = provider
    }

    /// True once `[DONE]` arrived; later payloads are ignored.
    var isFinished: Bool { sawDone }

    mutating func consume(_ data: String) throws -> [ChatStreamEvent] {
        guard !sawDone else { return [] }
        if data.trimmed == "[DONE]" {
            sawDone = true
            return flushToolCalls() + [.stop(stopReason)]
        }
        guard let chunk = JSONValue.parse(data) else {
            throw ProviderError.malformed(provider, "stream chunk is not valid JSON: \(data.prefix(200))")
        }
        return try consume(chunk: chunk)
    }

    mutating func consume(chunk: JSONValue) throws -> [ChatStreamEvent] {
        if let error = chunk["error"], !error.isNull {
            // Hosts report failures after the 200 head as an error chunk (llama.cpp, OpenRouter).
            let status = error["code"]?.intValue ?? 500
            throw ProviderError.fromAPIError(
                APIErrorDetail(json: chunk), status: status, retryAfter: nil, provider: provider, secret: nil)
        }
        var events: [ChatStreamEvent] = []
        // Every choice belongs to the one answer asked for (`n` is never set): Copilot sends a Claude
        // model's text and its tool calls as separate choices, sometimes in one chunk.
        for (position, choice) in (chunk["choices"]?.arrayValue ?? []).enumerated() {
            let choiceIndex = choice["index"]?.intValue ?? position
            let delta = choice["delta"]
            if let text = delta?["content"]?.stringValue, !text.isEmpty {
                events.append(.textDelta(text))
            }
            for fragment in delta?["tool_calls"]?.arrayValue ?? [] {
                merge(fragment, choice: choiceIndex)
            }
            // `logprobs.content[].logprob`, one entry per token, when the request asked for them.
            let logprobs = (choice["logprobs"]?["content"]?.arrayValue ?? []).compactMap { $0["logprob"]?.doubleValue }
            if !logprobs.isEmpty { events.append(.logprobs(logprobs)) }
            if let reason = choice["finish_reason"]?.stringValue {
                // A later choice's tool calls decide the stop reason over an earlier choice's "stop".
                if finishReason == nil || reason != "stop" { finishReason = reason }
                events += flushToolCalls()
            }
        }
        if let usage = chunk["usage"], !usage.isNull {
            events.append(.usage(Self.tokenUsage(usage)))
        }
        return events
    }

    /// A whole non-streamed answer (a host that ignored `stream: true`): a `chat.completion` is the
    /// one chunk that says the same, with each choice's `message` as its `delta`.
    mutating func decode(wholeAnswer completion: JSONValue) throws -> [ChatStreamEvent] {
        guard var object = completion.objectValue, let choices = object["choices"]?.arrayValue else {
            if completion["error"] != nil { return try consume(chunk: completion) }
            throw ProviderError.malformed(provider, "the non-streamed answer has no \"choices\"")
        }
        object["choices"] = .array(
            choices.map { choice in
                guard var fields = choice.objectValue, var message = fields.removeValue(forKey: "message")?.objectValue
                else { return choice }
                if let calls = message["tool_calls"]?.arrayValue {
                    message["tool_calls"] = .array(
                        calls.enumerated().map { index, call in
                            var fields = call.objectValue ?? [:]
                            if fields["index"] == nil { fields["index"] = .number(Double(index)) }
                            return .object(fields)
                        })
                }
                fields["delta"] = .object(message)
                if fields["finish_reason"] == nil || fields["finish_reason"] == .null {
                    fields["finish_reason"] = "stop"
                }
                return .object(fields)
            })
        return try consume(chunk: .object(object)) + finish()
    }

    /// Called when the body ends. Hosts that skip `[DONE]` still finish the choice, so a `finish_reason`
    /// counts as a clean end; anything less is a cut-off answer.
    mutating func finish() throws -> [ChatStreamEvent] {
        if sawDone { return [] }
        guard finishReason != nil else {
            throw ProviderError.malformed(
                provider, "the stream ended before the answer was complete (truncated response)")
        }
        sawDone = true
        return flushToolCalls() + [.stop(stopReason)]
    }

    /// Calls are keyed by choice and index: two choices may both number their calls from 0.
    private mutating func merge(_ fragment: JSONValue, choice: Int) {
        // A few hosts omit `index` when they send each call whole; fall back to the next free slot.
        let index =
            fragment["index"]?.intValue.map { choice * 10_000 + $0 } ?? fragment["id"]?.stringValue.flatMap { id in
                toolCalls.first { $0.value.id == id }?.key
            } ?? (choice * 10_000 + toolCalls.count)
        var call = toolCalls[index] ?? PartialToolCall()
        if let id = fragment["id"]?.stringValue, !id.isEmpty { call.id = id }
        if let name = fragment["function"]?["name"]?.stringValue, !name.isEmpty, name != call.name {
            // The name normally comes once; a host that splits it sends pieces, one that repeats it sends it whole.
            call.name += name
        }
        if let arguments = fragment["function"]?["arguments"] {
            // Some hosts send the arguments as an object instead of JSON text.
            call.arguments += arguments.stringValue ?? arguments.jsonString
        }
        toolCalls[index] = call
    }

    private mutating func flushToolCalls() -> [ChatStreamEvent] {
        let calls = toolCalls.sorted { $0.key < $1.key }.map { index, call in
            call.toolCall(fallbackID: "call_\(index)")
        }
        if !calls.isEmpty { hadToolCalls = true }
        toolCalls = [:]
        return calls.map { .toolCall($0) }
    }

    private var hadToolCalls = false

    private var stopReason: StopReason {
        switch finishReason {
        case "stop": return hadToolCalls ? .toolUse : .endTurn
        case "length": return .maxTokens
        case "tool_calls", "function_call": return .toolUse
        case nil: return hadToolCalls ? .toolUse : .endTurn
        default: return .unknown
        }
    }

    /// OpenAI counts cached tokens inside `prompt_tokens`; they are split out so each is priced once.
    static func tokenUsage(_ usage: JSONValue) -> TokenUsage {
        let prompt = usage["prompt_tokens"]?.intValue ?? 0
        let cached = usage["prompt_tokens_details"]?["cached_tokens"]?.intValue ?? 0
        return TokenUsage(
            inputTokens: max(0, prompt - cached), outputTokens: usage["completion_tokens"]?.intValue ?? 0,
            cacheReadTokens: cached)
    }
}
