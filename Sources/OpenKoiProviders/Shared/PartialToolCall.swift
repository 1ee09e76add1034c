import OpenKoiCore

/// A tool call being assembled from a stream: its id and name arrive first, its arguments as JSON
/// text in fragments (OpenAI chat, Responses, Bedrock).
struct PartialToolCall {
    var id = ""
    var name = ""
    var arguments = ""

    /// The finished call; arguments that are not valid JSON are kept as raw text (`ToolArgumentText`).
    func toolCall(fallbackID: String? = nil) -> ToolCall {
        ToolCall(
            id: id.isEmpty ? (fallbackID ?? id) : id, name: name, arguments: ToolArgumentText.parse(arguments))
    }
}
