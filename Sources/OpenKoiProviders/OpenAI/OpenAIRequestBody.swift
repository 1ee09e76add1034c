import OpenKoiCore

/// Builds the `POST /chat/completions` body (OpenAI and every compatible host).
enum OpenAIRequestBody {
    /// - Parameters:
    ///   - structuredOutput: the host accepts `response_format: json_schema` and `logprobs` (OpenAI,
    ///     llama.cpp); other compatible hosts may reject the fields, so they are sent only when known to work.
    ///   - llamaCpp: the host is llama.cpp's server: ask it to keep the prompt's KV cache
    ///     (`cache_prompt`), so the stable prefix of the next iteration is not processed again.
    static func make(_ request: ChatRequest, structuredOutput: Bool = false, llamaCpp: Bool = false) -> JSONValue {
        var body: [String: JSONValue] = [
            "model": .string(request.model),
            "messages": .array(messages(request)),
            "stream": true,
            "stream_options": ["include_usage": true],
        ]
        if !request.tools.isEmpty {
            body["tools"] = functionTools(request.tools)
        }
        // Reasoning models reject `max_tokens` and any temperature but the default.
        let reasoning = OpenAIModelFamily.isReasoningModel(request.model)
        if let maxTokens = request.maxTokens {
            body[reasoning ? "max_completion_tokens" : "max_tokens"] = .number(Double(maxTokens))
        }
        if let temperature = request.temperature, !reasoning {
            body["temperature"] = .number(temperature)
        }
        if let seed = request.seed { body["seed"] = .number(Double(seed)) }
        if structuredOutput, let schema = request.responseSchema {
            body["response_format"] = ["type": "json_schema", "json_schema": ["name": "response", "schema": schema]]
        }
        if structuredOutput, request.logprobs, !reasoning { body["logprobs"] = true }
        if llamaCpp { body["cache_prompt"] = true }
        // OpenAI takes at most 4 stop sequences; llama.cpp takes any number. Reasoning models take none.
        if !request.stop.isEmpty, !reasoning {
            body["stop"] = .array((llamaCpp ? request.stop : Array(request.stop.prefix(4))).map { .string($0) })
        }
        return .object(body)
    }

    static func messages(_ request: ChatRequest) -> [JSONValue] {
        var out: [JSONValue] = []
        if let system = request.system, !system.isEmpty {
            out.append(["role": "system", "content": .string(system)])
        }
        for message in request.messages {
            switch message.role {
            case .system, .user:
                out.append(["role": .string(message.role.rawValue), "content": .string(message.content)])
            case .assistant:
                var entry: [String: JSONValue] = ["role": "assistant"]
                // OpenAI wants `content: null`, not "", on a tool-calls-only turn; some hosts reject "".
                entry["content"] =
                    message.content.isEmpty && !message.toolCalls.isEmpty ? .null : .string(message.content)
                if !message.toolCalls.isEmpty {
                    entry["tool_calls"] = .array(
                        message.toolCalls.map { call in
                            [
                                "id": .string(call.id), "type": "function",
                                "function": [
                                    "name": .string(call.name),
                                    "arguments": .string(ToolArgumentText.text(call.arguments)),
                                ],
                            ]
                        })
                }
                out.append(.object(entry))
            case .tool:
                var entry: [String: JSONValue] = [
                    "role": "tool", "content": .string(message.content),
                    "tool_call_id": .string(message.toolCallID ?? ""),
                ]
                if let name = message.toolName { entry["name"] = .string(name) }
                out.append(.object(entry))
            }
        }
        return out
    }
}
