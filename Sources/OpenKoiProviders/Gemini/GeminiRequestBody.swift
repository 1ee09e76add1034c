import OpenKoiCore

/// Builds the `generateContent` / `streamGenerateContent` body.
enum GeminiRequestBody {
    /// Gemini takes at most 5 stop sequences.
    static let maxStopSequences = 5

    /// - Parameter signatures: thought signatures seen on earlier replies, sent back on their calls.
    static func make(_ request: ChatRequest, signatures: GeminiThoughtSignatures? = nil) -> JSONValue {
        var body: [String: JSONValue] = ["contents": .array(contents(request, signatures: signatures))]
        // System text can also arrive as `.system` messages; Gemini only takes it in `systemInstruction`.
        let systemText = ([request.system ?? ""] + request.messages.filter { $0.role == .system }.map(\.content))
            .filter { !$0.isEmpty }.joined(separator: "\n\n")
        if !systemText.isEmpty {
            body["systemInstruction"] = ["parts": [["text": .string(systemText)]]]
        }
        if !request.tools.isEmpty {
            body["tools"] = [["functionDeclarations": .array(request.tools.map(declaration))]]
        }
        var config: [String: JSONValue] = [:]
        if let maxTokens = request.maxTokens { config["maxOutputTokens"] = .number(Double(maxTokens)) }
        if let temperature = request.temperature { config["temperature"] = .number(temperature) }
        if let seed = request.seed { config["seed"] = .number(Double(seed)) }
        if !request.stop.isEmpty {
            config["stopSequences"] = .array(request.stop.prefix(maxStopSequences).map { .string($0) })
        }
        // Gemini refuses a JSON response type together with function calling, so tools win.
        if let schema = request.responseSchema, request.tools.isEmpty {
            config["responseMimeType"] = "application/json"
            config["responseSchema"] = GeminiSchema.sanitized(schema)
        }
        if !config.isEmpty { body["generationConfig"] = .object(config) }
        return .object(body)
    }

    static func declaration(_ tool: ToolDefinition) -> JSONValue {
        var fields: [String: JSONValue] = ["name": .string(tool.name), "description": .string(tool.description)]
        if let parameters = GeminiSchema.parameters(tool.parameters) { fields["parameters"] = parameters }
        return .object(fields)
    }

    /// Maps messages to `user`/`model` turns, merging consecutive turns of one role so that several tool
    /// results travel in one user turn, as Gemini expects after a model turn with several calls.
    static func contents(_ request: ChatRequest, signatures: GeminiThoughtSignatures?) -> [JSONValue] {
        let signed = GeminiModelName.requiresThoughtSignatures(request.model)
        var turns: [(role: String, parts: [JSONValue])] = []
        for (index, message) in request.messages.enumerated() where message.role != .system {
            let role = message.role == .assistant ? "model" : "user"
            let parts: [JSONValue]
            switch message.role {
            case .assistant:
                parts = modelParts(message, signatures: signatures, requireSignature: signed)
            case .tool:
                parts = [resultPart(message, history: request.messages[..<index])]
            case .user, .system:
                parts = message.content.isEmpty ? [] : [["text": .string(message.content)]]
            }
            // Gemini rejects a turn without parts; an empty message adds nothing to the conversation.
            guard !parts.isEmpty else { continue }
            if let last = turns.last, last.role == role {
                turns[turns.count - 1].parts += parts
            } else {
                turns.append((role, parts))
            }
        }
        return turns.map { ["role": .string($0.role), "parts": .array($0.parts)] }
    }

    /// Text, then one `functionCall` part per call, each with the thought signature it arrived with.
    private static func modelParts(
        _ message: ChatMessage, signatures: GeminiThoughtSignatures?, requireSignature: Bool
    ) -> [JSONValue] {
        var parts: [JSONValue] = message.content.isEmpty ? [] : [["text": .string(message.content)]]
        for (position, call) in message.toolCalls.enumerated() {
            // `args` must be an object; malformed arguments kept as raw text cannot be replayed.
            let arguments: JSONValue = call.arguments.objectValue != nil ? call.arguments : .object([:])
            var functionCall: [String: JSONValue] = ["name": .string(call.name), "args": arguments]
            if !GeminiToolCallID.isSynthetic(call.id, name: call.name) { functionCall["id"] = .string(call.id) }
            var part: [String: JSONValue] = ["functionCall": .object(functionCall)]
            // Gemini signs only the first of parallel calls; a call it did not make needs the documented
            // stand-in there, or Gemini 3 refuses the whole history.
            if let signature = signatures?.signature(for: call.id) {
                part["thoughtSignature"] = .string(signature)
            } else if requireSignature, position == 0 {
                part["thoughtSignature"] = .string(GeminiThoughtSignatures.foreign)
            }
            parts.append(.object(part))
        }
        return parts
    }

    /// A tool result as a `functionResponse`. Gemini matches results to calls by function name, which is
    /// read from the call with this result's id (the nearest one before it). A result whose call is not
    /// in the history goes as text: Gemini refuses a function response that answers no function call.
    private static func resultPart(_ message: ChatMessage, history: ArraySlice<ChatMessage>) -> JSONValue {
        let id = message.toolCallID ?? "?"
        guard let call = history.reversed().lazy.compactMap({ $0.toolCalls.first { $0.id == id } }).first,
            !call.name.isEmpty
        else {
            let label = message.toolName.map { "tool \($0) (call \(id))" } ?? "tool call \(id)"
            return ["text": .string("Result of \(label):\n\(message.content)")]
        }
        // `output` is the key Gemini documents for a function's result.
        var response: [String: JSONValue] = [
            "name": .string(call.name), "response": ["output": .string(message.content)],
        ]
        if !GeminiToolCallID.isSynthetic(call.id, name: call.name) { response["id"] = .string(call.id) }
        return ["functionResponse": .object(response)]
    }
}
