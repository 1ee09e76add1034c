import OpenKoiCore

/// Builds the `POST /responses` body (OpenAI's Responses API, llama.cpp's `/v1/responses`, and the
/// ChatGPT backend behind a Plus/Pro login).
///
/// Nothing is stored on the server (`store: false`), so every call carries the whole conversation: an
/// assistant turn's tool calls go back as `function_call` items and their results as
/// `function_call_output` items with the same `call_id`, which is how the API pairs them across rounds.
enum OpenAIResponsesRequestBody {
    /// - Parameters:
    ///   - reasoningEffort: `reasoning.effort` (`low`, `medium`, `high`, …), sent to reasoning models only.
    ///   - sendsOutputLimit: send `max_output_tokens`; the ChatGPT backend rejects the field
    ///     ("Unsupported parameter: max_output_tokens") and keeps its own limit.
    static func make(_ request: ChatRequest, reasoningEffort: String? = nil, sendsOutputLimit: Bool = true) -> JSONValue
    {
        var body: [String: JSONValue] = [
            "model": .string(request.model),
            "input": .array(input(request.messages)),
            "stream": true,
            "store": false,
        ]
        if let system = request.system, !system.isEmpty {
            body["instructions"] = .string(system)
        }
        if !request.tools.isEmpty {
            body["tools"] = .array(
                request.tools.map { tool in
                    [
                        "type": "function", "name": .string(tool.name), "description": .string(tool.description),
                        "parameters": tool.parameters, "strict": false,
                    ]
                })
        }
        let reasoning = OpenAIModelFamily.isReasoningModel(request.model)
        if sendsOutputLimit, let maxTokens = request.maxTokens {
            body["max_output_tokens"] = .number(Double(maxTokens))
        }
        if let temperature = request.temperature, !reasoning {
            body["temperature"] = .number(temperature)
        }
        if let reasoningEffort, reasoning {
            body["reasoning"] = ["effort": .string(reasoningEffort)]
        }
        if let schema = request.responseSchema {
            body["text"] = ["format": ["type": "json_schema", "name": "response", "schema": schema]]
        }
        if request.logprobs, !reasoning {
            body["include"] = ["message.output_text.logprobs"]
        }
        return .object(body)
    }

    /// The conversation as input items, in order.
    static func input(_ messages: [ChatMessage]) -> [JSONValue] {
        var items: [JSONValue] = []
        for message in messages {
            switch message.role {
            case .system:
                // Mid-conversation instructions; the system prompt itself travels as `instructions`.
                items.append(Self.message(role: "developer", text: message.content, type: "input_text"))
            case .user:
                items.append(Self.message(role: "user", text: message.content, type: "input_text"))
            case .assistant:
                if !message.content.isEmpty || message.toolCalls.isEmpty {
                    items.append(Self.message(role: "assistant", text: message.content, type: "output_text"))
                }
                for call in message.toolCalls {
                    items.append([
                        "type": "function_call", "call_id": .string(call.id), "name": .string(call.name),
                        "arguments": .string(ToolArgumentText.text(call.arguments)),
                    ])
                }
            case .tool:
                items.append([
                    "type": "function_call_output", "call_id": .string(message.toolCallID ?? ""),
                    "output": .string(message.content),
                ])
            }
        }
        return items
    }

    /// A message item; `output_text` parts carry the `annotations` list the schema requires of them.
    private static func message(role: String, text: String, type: String) -> JSONValue {
        var part: [String: JSONValue] = ["type": .string(type), "text": .string(text)]
        if type == "output_text" { part["annotations"] = [] }
        return ["type": "message", "role": .string(role), "content": [.object(part)]]
    }
}
