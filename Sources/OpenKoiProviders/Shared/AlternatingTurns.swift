import OpenKoiCore

/// The turns of a conversation for APIs that require user and assistant to alternate (Bedrock's
/// Converse; Anthropic's Messages builds the same): system messages are left out, tool results count as
/// user turns, and consecutive turns of one role are merged, so several tool results in a row travel in
/// one user message.
/// - Parameter blocks: the content blocks of one message in the API's shape.
func alternatingTurns(
    _ messages: [ChatMessage], blocks: (ChatMessage) -> [JSONValue]
) -> [(role: String, blocks: [JSONValue])] {
    var turns: [(role: String, blocks: [JSONValue])] = []
    for message in messages where message.role != .system {
        let role = message.role == .assistant ? "assistant" : "user"
        let content = blocks(message)
        if let last = turns.last, last.role == role {
            turns[turns.count - 1].blocks += content
        } else {
            turns.append((role, content))
        }
    }
    return turns
}

extension ChatRequest {
    /// `system` followed by the text of any `.system` messages, for APIs that take system text apart
    /// from the turns.
    var combinedSystemText: String {
        ([system ?? ""] + messages.filter { $0.role == .system }.map(\.content))
            .filter { !$0.isEmpty }.joined(separator: "\n\n")
    }
}
