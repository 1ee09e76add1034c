import OpenKoiCore

/// Turns `streamGenerateContent?alt=sse` events — each a whole `GenerateContentResponse` — into
/// `ChatStreamEvent`s; a non-streamed `generateContent` answer is the same object, read once.
///
/// Gemini sends each function call whole in one part, so calls are emitted as they arrive. The stream
/// has no end marker: the body ends after the chunk carrying `finishReason`, and one without it was cut.
struct GeminiStreamDecoder: EventStreamDecoder {
    let provider: String
    /// Where thought signatures on function calls are kept for the next request.
    let signatures: GeminiThoughtSignatures?
    private var usage: TokenUsage?
    private var finishReason: String?
    private var finishMessage: String?
    private var callCount = 0
    private(set) var isFinished = false

    init(provider: String, signatures: GeminiThoughtSignatures? = nil) {
        self.provider = provider
        self.signatures = signatures
    }

    mutating func consume(_ data: String) throws -> [ChatStreamEvent] {
        guard !isFinished else { return [] }
        guard let chunk = JSONValue.parse(data), chunk.objectValue != nil else {
            throw ProviderError.malformed(provider, "stream chunk is not a valid JSON object: \(data.prefix(200))")
        }
        return try consume(chunk: chunk)
    }

    mutating func consume(chunk: JSONValue) throws -> [ChatStreamEvent] {
        if let error = chunk["error"], !error.isNull {
            // A failure after the 200 head arrives as an error object in place of a chunk.
            throw ProviderError.fromAPIError(
                APIErrorDetail(json: chunk), status: error["code"]?.intValue ?? 500, retryAfter: nil,
                provider: provider, secret: nil)
        }
        if let counts = chunk["usageMetadata"], counts.objectValue != nil {
            // Each chunk repeats the running totals; the last one is the reply's.
            usage = Self.tokenUsage(counts)
        }
        guard let candidate = chunk["candidates"]?[0] else {
            if let reason = chunk["promptFeedback"]?["blockReason"]?.stringValue {
                let detail = chunk["promptFeedback"]?["blockReasonMessage"]?.stringValue.map { ": \($0)" } ?? ""
                throw ProviderError.malformed(
                    provider,
                    "Gemini blocked the prompt (promptFeedback.blockReason \(reason)\(detail)); rephrase the task "
                        + "or leave out the content its filters object to")
            }
            return []
        }
        var events: [ChatStreamEvent] = []
        for part in candidate["content"]?["parts"]?.arrayValue ?? [] {
            // Thought summaries are the model's reasoning, not its answer.
            if part["thought"]?.boolValue == true { continue }
            if let text = part["text"]?.stringValue, !text.isEmpty { events.append(.textDelta(text)) }
            if let call = part["functionCall"], call.objectValue != nil {
                events.append(.toolCall(toolCall(call, signature: part["thoughtSignature"]?.stringValue)))
            }
        }
        if let reason = candidate["finishReason"]?.stringValue {
            finishReason = reason
            finishMessage = candidate["finishMessage"]?.stringValue
        }
        return events
    }

    /// A whole `generateContent` answer (a host that ignored `alt=sse`), as the events its stream carries.
    mutating func decode(wholeAnswer answer: JSONValue) throws -> [ChatStreamEvent] {
        guard answer["candidates"] != nil || answer["promptFeedback"] != nil || answer["error"] != nil else {
            throw ProviderError.malformed(provider, "the non-streamed answer has no \"candidates\"")
        }
        let events = try consume(chunk: answer)
        // A complete answer that names no reason still ended normally.
        if finishReason == nil { finishReason = "STOP" }
        return events + (try finish())
    }

    mutating func finish() throws -> [ChatStreamEvent] {
        if isFinished { return [] }
        guard let finishReason else {
            throw ProviderError.malformed(
                provider, "the stream ended before a chunk with finishReason (truncated response)")
        }
        isFinished = true
        let stop = try stopReason(finishReason)
        return (usage.map { [.usage($0)] } ?? []) + [.stop(stop)]
    }

    private mutating func toolCall(_ call: JSONValue, signature: String?) -> ToolCall {
        let name = call["name"]?.stringValue ?? ""
        let id = GeminiToolCallID.make(
            sent: call["id"]?.stringValue, index: callCount, name: name, signature: signature)
        callCount += 1
        if let signature, !signature.isEmpty { signatures?.record(signature, for: id) }
        return ToolCall(id: id, name: name, arguments: call["args"] ?? .object([:]))
    }

    /// STOP and MAX_TOKENS end a reply normally; every other reason means Gemini withheld or abandoned
    /// the answer, which is reported with the reason (there is no stop reason that could carry it).
    private func stopReason(_ reason: String) throws -> StopReason {
        switch reason {
        case "STOP": return callCount > 0 ? .toolUse : .endTurn
        case "MAX_TOKENS": return .maxTokens
        case "FINISH_REASON_UNSPECIFIED": return callCount > 0 ? .toolUse : .unknown
        default:
            let explanation = Self.explanations[reason] ?? "it stopped the answer early"
            let detail = finishMessage.map { " (\($0))" } ?? ""
            throw ProviderError.malformed(
                provider, "Gemini ended the answer with finishReason \(reason): \(explanation)\(detail)")
        }
    }

    static let explanations: [String: String] = [
        "SAFETY": "its safety filters withheld the answer; rephrase the task",
        "PROHIBITED_CONTENT": "its content policy withheld the answer; rephrase the task",
        "BLOCKLIST": "the answer contained a blocked term; rephrase the task",
        "SPII": "the answer contained sensitive personal information and was withheld",
        "RECITATION": "the answer resembled published text too closely and was withheld; ask for original wording",
        "LANGUAGE": "the answer was in a language Gemini does not support",
        "MALFORMED_FUNCTION_CALL":
            "the model wrote a function call that does not parse; try again or simplify the tools",
        "UNEXPECTED_TOOL_CALL": "the model called a tool that was not offered",
        "TOO_MANY_TOOL_CALLS": "the model made more tool calls in a row than Gemini allows",
    ]

    /// `promptTokenCount` includes the cached tokens, which are split out so each is priced once;
    /// thinking tokens are billed as output.
    static func tokenUsage(_ counts: JSONValue) -> TokenUsage {
        let prompt = counts["promptTokenCount"]?.intValue ?? 0
        let cached = counts["cachedContentTokenCount"]?.intValue ?? 0
        let toolPrompt = counts["toolUsePromptTokenCount"]?.intValue ?? 0
        let output = (counts["candidatesTokenCount"]?.intValue ?? 0) + (counts["thoughtsTokenCount"]?.intValue ?? 0)
        return TokenUsage(
            inputTokens: max(0, prompt - cached) + toolPrompt, outputTokens: output, cacheReadTokens: cached)
    }
}
