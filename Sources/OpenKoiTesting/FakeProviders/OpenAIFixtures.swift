import OpenKoiCore

/// Response bodies in the exact shape OpenAI's chat-completions API (and llama.cpp's server) sends them.
public enum OpenAIFixtures {
    /// One SSE event carrying `json`.
    public static func event(_ json: JSONValue) -> String {
        "data: \(json.jsonString)\n\n"
    }

    public static let done = "data: [DONE]\n\n"

    /// A chunk with one choice delta.
    public static func delta(_ delta: JSONValue, finishReason: String? = nil, model: String = "gpt-4.1") -> String {
        event([
            "id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1_700_000_000, "model": .string(model),
            "choices": [["index": 0, "delta": delta, "finish_reason": finishReason.map(JSONValue.string) ?? .null]],
        ])
    }

    /// The usage chunk `stream_options.include_usage` adds after the last choice: `choices` is empty.
    public static func usage(prompt: Int, completion: Int, cached: Int = 0) -> String {
        event([
            "id": "chatcmpl-1", "object": "chat.completion.chunk", "choices": [],
            "usage": [
                "prompt_tokens": .number(Double(prompt)), "completion_tokens": .number(Double(completion)),
                "total_tokens": .number(Double(prompt + completion)),
                "prompt_tokens_details": ["cached_tokens": .number(Double(cached))],
            ],
        ])
    }

    /// SSE events, one per piece, for a streamed text answer, ending with usage and `[DONE]`.
    public static func textStream(
        _ pieces: [String], prompt: Int = 10, completion: Int = 5, cached: Int = 0
    ) -> [String] {
        [delta(["role": "assistant", "content": ""])]
            + pieces.map { delta(["content": .string($0)]) }
            + [delta([:], finishReason: "stop"), usage(prompt: prompt, completion: completion, cached: cached), done]
    }

    /// A streamed tool call split as OpenAI splits it: id and name first, then the arguments text in pieces.
    public struct StreamedToolCall: Sendable {
        public var id: String
        public var name: String
        public var argumentPieces: [String]

        public init(id: String, name: String, argumentPieces: [String]) {
            self.id = id
            self.name = name
            self.argumentPieces = argumentPieces
        }
    }

    /// SSE events for tool calls; calls are interleaved piece by piece so assembly by `index` is exercised.
    public static func toolCallStream(_ calls: [StreamedToolCall], prompt: Int = 20, completion: Int = 8) -> [String] {
        var events = [delta(["role": "assistant", "content": .null])]
        for (index, call) in calls.enumerated() {
            events.append(
                delta([
                    "tool_calls": [
                        [
                            "index": .number(Double(index)), "id": .string(call.id), "type": "function",
                            "function": ["name": .string(call.name), "arguments": ""],
                        ]
                    ]
                ]))
        }
        let longest = calls.map(\.argumentPieces.count).max() ?? 0
        for step in 0..<longest {
            for (index, call) in calls.enumerated() where step < call.argumentPieces.count {
                events.append(
                    delta([
                        "tool_calls": [
                            [
                                "index": .number(Double(index)),
                                "function": ["arguments": .string(call.argumentPieces[step])],
                            ]
                        ]
                    ]))
            }
        }
        return events + [delta([:], finishReason: "tool_calls"), usage(prompt: prompt, completion: completion), done]
    }

    /// `{"error":{"message","type","code"}}`, OpenAI's error body.
    public static func error(message: String, type: String, code: String? = nil) -> String {
        JSONValue.object([
            "error": [
                "message": .string(message), "type": .string(type), "param": .null,
                "code": code.map(JSONValue.string) ?? .null,
            ]
        ]).jsonString
    }

    /// OpenAI's 400 for a prompt over the context window.
    public static let contextOverflow = error(
        message:
            "This model's maximum context length is 128000 tokens. However, your messages resulted in 130532 tokens. Please reduce the length of the messages.",
        type: "invalid_request_error", code: "context_length_exceeded")

    /// llama.cpp's 400 for a prompt over `n_ctx` (numeric `code`, its own `type`).
    public static let llamaCppContextOverflow = JSONValue.object([
        "error": [
            "code": 400,
            "message": "request (1031 tokens) exceeds the available context size (256 tokens), try increasing it",
            "type": "exceed_context_size_error", "n_prompt_tokens": 1031, "n_ctx": 256,
        ]
    ]).jsonString

    public static let rateLimited = error(
        message: "Rate limit reached for gpt-4.1 on tokens per min (TPM): Limit 30000, Used 30000, Requested 1200.",
        type: "tokens", code: "rate_limit_exceeded")

    public static let invalidAPIKey = error(
        message:
            "Incorrect API key provided: sk-test***7890. You can find your API key at https://platform.openai.com/account/api-keys.",
        type: "invalid_request_error", code: "invalid_api_key")

    public static let serverError = error(
        message: "The server had an error while processing your request. Sorry about that!", type: "server_error")

    /// `GET /models`.
    public static func modelList(_ ids: [String]) -> String {
        JSONValue.object([
            "object": "list",
            "data": .array(
                ids.map { ["id": .string($0), "object": "model", "created": 1_700_000_000, "owned_by": "openai"] }),
        ]).jsonString
    }
}
