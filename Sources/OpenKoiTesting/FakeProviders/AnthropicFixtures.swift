import OpenKoiCore

/// Response bodies in the exact shape Anthropic's Messages API sends them.
public enum AnthropicFixtures {
    /// One SSE event; Anthropic names each event and repeats the name as `type` in the data.
    public static func event(_ json: JSONValue) -> String {
        "event: \(json["type"]?.stringValue ?? "message")\ndata: \(json.jsonString)\n\n"
    }

    public static func messageStart(
        input: Int, cacheRead: Int = 0, cacheWrite: Int = 0, model: String = "claude-sonnet-4-20250514"
    )
        -> String
    {
        event([
            "type": "message_start",
            "message": [
                "id": "msg_01", "type": "message", "role": "assistant", "content": [], "model": .string(model),
                "stop_reason": .null, "stop_sequence": .null,
                "usage": [
                    "input_tokens": .number(Double(input)), "output_tokens": 1,
                    "cache_read_input_tokens": .number(Double(cacheRead)),
                    "cache_creation_input_tokens": .number(Double(cacheWrite)),
                ],
            ],
        ])
    }

    public static let ping = event(["type": "ping"])

    public static func textBlockStart(index: Int) -> String {
        event([
            "type": "content_block_start", "index": .number(Double(index)),
            "content_block": ["type": "text", "text": ""],
        ])
    }

    public static func textDelta(index: Int, _ text: String) -> String {
        event([
            "type": "content_block_delta", "index": .number(Double(index)),
            "delta": ["type": "text_delta", "text": .string(text)],
        ])
    }

    public static func toolUseStart(index: Int, id: String, name: String) -> String {
        event([
            "type": "content_block_start", "index": .number(Double(index)),
            "content_block": ["type": "tool_use", "id": .string(id), "name": .string(name), "input": [:]],
        ])
    }

    public static func inputJSONDelta(index: Int, _ partial: String) -> String {
        event([
            "type": "content_block_delta", "index": .number(Double(index)),
            "delta": ["type": "input_json_delta", "partial_json": .string(partial)],
        ])
    }

    public static func blockStop(index: Int) -> String {
        event(["type": "content_block_stop", "index": .number(Double(index))])
    }

    public static func messageDelta(stopReason: String, output: Int) -> String {
        event([
            "type": "message_delta", "delta": ["stop_reason": .string(stopReason), "stop_sequence": .null],
            "usage": ["output_tokens": .number(Double(output))],
        ])
    }

    public static let messageStop = event(["type": "message_stop"])

    /// A full streamed text answer: text pieces in one block, then end_turn.
    public static func textStream(
        _ pieces: [String], input: Int = 10, output: Int = 5, cacheRead: Int = 0, cacheWrite: Int = 0
    )
        -> [String]
    {
        [messageStart(input: input, cacheRead: cacheRead, cacheWrite: cacheWrite), textBlockStart(index: 0), ping]
            + pieces.map { textDelta(index: 0, $0) }
            + [blockStop(index: 0), messageDelta(stopReason: "end_turn", output: output), messageStop]
    }

    /// A short text block, then one `tool_use` block whose input arrives as JSON fragments.
    public static func toolUseStream(
        text: String, id: String, name: String, inputPieces: [String], input: Int = 20, output: Int = 8
    ) -> [String] {
        [
            messageStart(input: input), textBlockStart(index: 0), textDelta(index: 0, text), blockStop(index: 0),
            toolUseStart(index: 1, id: id, name: name),
        ]
            + inputPieces.map { inputJSONDelta(index: 1, $0) }
            + [blockStop(index: 1), messageDelta(stopReason: "tool_use", output: output), messageStop]
    }

    /// `{"type":"error","error":{"type","message"}}`: an HTTP error body, and the data of an SSE `error` event.
    public static func error(type: String, message: String) -> String {
        JSONValue.object(["type": "error", "error": ["type": .string(type), "message": .string(message)]]).jsonString
    }

    /// The mid-stream `error` event Anthropic sends when overloaded after the 200 head.
    public static let overloadedEvent =
        "event: error\ndata: \(error(type: "overloaded_error", message: "Overloaded"))\n\n"

    public static let contextOverflow = error(
        type: "invalid_request_error", message: "prompt is too long: 208310 tokens > 200000 maximum")

    public static let rateLimited = error(
        type: "rate_limit_error",
        message: "This request would exceed the rate limit for your organization of 40,000 input tokens per minute.")

    public static let invalidAPIKey = error(type: "authentication_error", message: "invalid x-api-key")

    public static let overloaded = error(type: "overloaded_error", message: "Overloaded")

    public static let apiError = error(type: "api_error", message: "Internal server error")
}
