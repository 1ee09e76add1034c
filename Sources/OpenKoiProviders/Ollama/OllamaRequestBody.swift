import OpenKoiCore

/// Builds the `POST /api/chat` body.
enum OllamaRequestBody {
    static func make(_ request: ChatRequest) -> JSONValue {
        var body: [String: JSONValue] = [
            "model": .string(request.model),
            "messages": .array(messages(request)),
            "stream": true,
        ]
        if !request.tools.isEmpty {
            body["tools"] = functionTools(request.tools)
        }
        var options: [String: JSONValue] = [:]
        if let temperature = request.temperature { options["temperature"] = .number(temperature) }
        if let maxTokens = request.maxTokens { options["num_predict"] = .number(Double(maxTokens)) }
        if let seed = request.seed { options["seed"] = .number(Double(seed)) }
        if !options.isEmpty { body["options"] = .object(options) }
        // Ollama constrains decoding to a JSON Schema given as `format`.
        if let schema = request.responseSchema { body["format"] = schema }
        return .object(body)
    }

    static func messages(_ request: ChatRequest) -> [JSONValue] {
        var out: [JSONValue] = []
        if let system = request.system, !system.isEmpty {
            out.append(["role": "system", "content": .string(system)])
        }
        for message in request.messages {
            var entry: [String: JSONValue] = [
                "role": .string(message.role.rawValue), "content": .string(message.content),
            ]
            if !message.toolCalls.isEmpty {
                entry["tool_calls"] = .array(
                    message.toolCalls.map { call in
                        // Ollama takes arguments as an object; raw text that was not JSON cannot be replayed.
                        let arguments: JSONValue = call.arguments.objectValue != nil ? call.arguments : .object([:])
                        return ["function": ["name": .string(call.name), "arguments": arguments]]
                    })
            }
            // Ollama matches results to calls by tool name, not by id.
            if message.role == .tool, let name = message.toolName { entry["tool_name"] = .string(name) }
            out.append(.object(entry))
        }
        return out
    }
}
