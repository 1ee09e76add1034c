import OpenKoiCore

/// Response bodies in the exact shape Ollama's native API sends them (NDJSON lines for `/api/chat`).
public enum OllamaFixtures {
    public static func line(_ json: JSONValue) -> String {
        json.jsonString + "\n"
    }

    public static func contentLine(_ text: String, model: String = "qwen2.5-coder:7b") -> String {
        line([
            "model": .string(model), "created_at": "2025-01-01T00:00:00Z",
            "message": ["role": "assistant", "content": .string(text)], "done": false,
        ])
    }

    public static func toolCallLine(
        _ calls: [(name: String, arguments: JSONValue)], model: String = "qwen2.5-coder:7b"
    ) -> String {
        line([
            "model": .string(model), "created_at": "2025-01-01T00:00:00Z",
            "message": [
                "role": "assistant", "content": "",
                "tool_calls": .array(
                    calls.map { ["function": ["name": .string($0.name), "arguments": $0.arguments]] }),
            ],
            "done": false,
        ])
    }

    public static func doneLine(
        reason: String = "stop", prompt: Int = 10, eval: Int = 5, model: String = "qwen2.5-coder:7b"
    )
        -> String
    {
        line([
            "model": .string(model), "created_at": "2025-01-01T00:00:01Z",
            "message": ["role": "assistant", "content": ""], "done": true, "done_reason": .string(reason),
            "total_duration": 1_000_000, "load_duration": 1000, "prompt_eval_count": .number(Double(prompt)),
            "prompt_eval_duration": 1000, "eval_count": .number(Double(eval)), "eval_duration": 1000,
        ])
    }

    public static func textStream(_ pieces: [String], prompt: Int = 10, eval: Int = 5) -> [String] {
        pieces.map { contentLine($0) } + [doneLine(prompt: prompt, eval: eval)]
    }

    /// `{"error":"…"}`, Ollama's error body (HTTP errors and mid-stream failures alike).
    public static func error(_ message: String) -> String {
        JSONValue.object(["error": .string(message)]).jsonString
    }

    public static let modelNotFound = error("model \"nonexistent\" not found, try pulling it first")

    /// Ollama's 400 when a prompt does not fit and truncation is off.
    public static let contextOverflow = error("the input length exceeds the context length")

    /// `GET /api/tags`.
    public static func tags(_ names: [String]) -> String {
        JSONValue.object([
            "models": .array(
                names.map {
                    [
                        "name": .string($0), "model": .string($0), "modified_at": "2025-01-01T00:00:00Z",
                        "size": 4_700_000_000, "digest": "sha256:0",
                        "details": ["format": "gguf", "family": "qwen2", "parameter_size": "7.6B"],
                    ]
                })
        ]).jsonString
    }
}
