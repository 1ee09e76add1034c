/// Recognises a tool call written as JSON in the reply text, as small local models do when their
/// chat template has no tool support (e.g. a fenced ```json {"name": …, "arguments": …} block).
enum ToolCallExtractor {
    static func calls(in text: String, tools: [ToolDefinition], round: Int) -> [ToolCall] {
        guard !tools.isEmpty, text.contains("{") else { return [] }
        let known = Set(tools.map(\.name))
        var calls: [ToolCall] = []
        for object in JSONExtractor.objects(in: text).prefix(8) {
            let function: JSONValue = object["function"] ?? .null
            let nameNode: JSONValue? = object.first("tool", "name", "tool_name") ?? function["name"]
            guard let name = nameNode?.stringValue, known.contains(name) else { continue }
            let argumentNode: JSONValue? =
                object.first("arguments", "args", "parameters", "input") ?? function["arguments"]
            var arguments: JSONValue = argumentNode ?? .object([:])
            if let raw = arguments.stringValue, let parsed = JSONValue.parse(raw) { arguments = parsed }
            calls.append(ToolCall(id: "text_call_\(round)_\(calls.count + 1)", name: name, arguments: arguments))
        }
        return calls
    }
}
