import OpenKoiCore

/// Builds the Converse / ConverseStream request body.
enum BedrockRequestBody {
    static let defaultMaxTokens = 4096

    static func make(_ request: ChatRequest) -> JSONValue {
        var inference: [String: JSONValue] = ["maxTokens": .number(Double(request.maxTokens ?? defaultMaxTokens))]
        if let temperature = request.temperature { inference["temperature"] = .number(temperature) }
        if !request.stop.isEmpty { inference["stopSequences"] = .array(request.stop.map(JSONValue.string)) }
        var body: [String: JSONValue] = [
            "messages": .array(messages(request.messages)), "inferenceConfig": .object(inference),
        ]
        // System text can also arrive as `.system` messages; Converse only accepts it in `system`.
        let systemText = request.combinedSystemText
        if !systemText.isEmpty { body["system"] = [["text": .string(systemText)]] }
        if !request.tools.isEmpty {
            body["toolConfig"] = [
                "tools": .array(
                    request.tools.map { tool in
                        [
                            "toolSpec": [
                                "name": .string(tool.name), "description": .string(tool.description),
                                "inputSchema": ["json": tool.parameters],
                            ]
                        ]
                    })
            ]
        }
        return .object(body)
    }

    /// Converse requires user/assistant alternation and rejects an empty content array and a blank
    /// text block alike.
    static func messages(_ messages: [ChatMessage]) -> [JSONValue] {
        alternatingTurns(messages, blocks: contentBlocks).map { turn in
            let blocks = turn.blocks.isEmpty ? [textBlock("(empty)")] : turn.blocks
            return ["role": .string(turn.role), "content": .array(blocks)]
        }
    }

    private static func contentBlocks(_ message: ChatMessage) -> [JSONValue] {
        switch message.role {
        case .tool:
            let output = message.content.allSatisfy(\.isWhitespace) ? "(no output)" : message.content
            return [
                [
                    "toolResult": [
                        "toolUseId": .string(message.toolCallID ?? ""), "content": [textBlock(output)],
                    ]
                ]
            ]
        case .assistant:
            var blocks: [JSONValue] = message.content.allSatisfy(\.isWhitespace) ? [] : [textBlock(message.content)]
            for call in message.toolCalls {
                // `input` must be an object; malformed arguments we kept as raw text cannot be replayed.
                let input: JSONValue = call.arguments.objectValue != nil ? call.arguments : .object([:])
                blocks.append(
                    ["toolUse": ["toolUseId": .string(call.id), "name": .string(call.name), "input": input]])
            }
            return blocks
        case .user, .system:
            return message.content.allSatisfy(\.isWhitespace) ? [] : [textBlock(message.content)]
        }
    }

    private static func textBlock(_ text: String) -> JSONValue {
        ["text": .string(text)]
    }
}
