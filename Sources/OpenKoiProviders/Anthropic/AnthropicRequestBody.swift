import OpenKoiCore

/// Builds the `POST /v1/messages` body.
enum AnthropicRequestBody {
    static let defaultMaxTokens = 4096

    static func make(_ request: ChatRequest) -> JSONValue {
        var body: [String: JSONValue] = [
            "model": .string(request.model),
            "max_tokens": .number(Double(request.maxTokens ?? defaultMaxTokens)),
            "messages": .array(messages(request.messages)),
            "stream": true,
        ]
        // System text can also arrive as `.system` messages; Anthropic only accepts it in `system`.
        let systemText = request.combinedSystemText
        if !systemText.isEmpty {
            // The system prompt is identical across iterations, so caching it saves most of its input cost.
            body["system"] = [["type": "text", "text": .string(systemText), "cache_control": ["type": "ephemeral"]]]
        }
        if !request.tools.isEmpty {
            body["tools"] = .array(
                request.tools.map { tool in
                    [
                        "name": .string(tool.name), "description": .string(tool.description),
                        "input_schema": tool.parameters,
                    ]
                })
        }
        if let temperature = request.temperature { body["temperature"] = .number(temperature) }
        return .object(body)
    }

    /// Maps messages to content blocks and merges consecutive same-role turns: Anthropic requires
    /// user/assistant alternation, and several tool results in a row must travel in one user message.
    static func messages(_ messages: [ChatMessage]) -> [JSONValue] {
        alternatingTurns(messages, blocks: contentBlocks).map { turn in
            // An empty content array is rejected; an empty text block too. A lone space is accepted.
            let blocks = turn.blocks.isEmpty ? [textBlock(" ")] : turn.blocks
            return ["role": .string(turn.role), "content": .array(blocks)]
        }
    }

    private static func contentBlocks(_ message: ChatMessage) -> [JSONValue] {
        switch message.role {
        case .tool:
            return [
                [
                    "type": "tool_result", "tool_use_id": .string(message.toolCallID ?? ""),
                    "content": .string(message.content),
                ]
            ]
        case .assistant:
            var blocks: [JSONValue] = message.content.isEmpty ? [] : [textBlock(message.content)]
            for call in message.toolCalls {
                // `input` must be an object; malformed arguments we kept as raw text cannot be replayed.
                let input: JSONValue = call.arguments.objectValue != nil ? call.arguments : .object([:])
                blocks.append(["type": "tool_use", "id": .string(call.id), "name": .string(call.name), "input": input])
            }
            return blocks
        case .user, .system:
            return message.content.isEmpty ? [] : [textBlock(message.content)]
        }
    }

    private static func textBlock(_ text: String) -> JSONValue {
        ["type": "text", "text": .string(text)]
    }
}
