/// Shrinks a conversation to fit the model's context window: before a call whose estimate exceeds
/// the window (when the binding knows it), and after a context-overflow error, so the executor can
/// retry once instead of failing (reference §2.10).
enum ContextPruner {
    /// A rough token count: UTF-8 bytes over 3 (English runs about 4 bytes a token, code 3–3.5), so
    /// the estimate errs towards pruning a little early rather than overflowing.
    static func estimatedTokens(system: String, messages: [ChatMessage]) -> Int {
        let bytes = messages.reduce(system.utf8.count) { total, message in
            total + message.content.utf8.count + message.toolCalls.reduce(0) { $0 + $1.arguments.jsonString.utf8.count }
                + 8
        }
        return bytes / 3
    }

    /// Phase 1 clears old tool results (all but the newest two); if that changes nothing, phase 2
    /// drops the oldest messages after the first (the task) and leaves a note saying so.
    /// - Returns: the pruned messages and how many were removed or cleared; 0 means nothing left to prune.
    static func prune(_ messages: [ChatMessage]) -> (messages: [ChatMessage], removed: Int) {
        var result = messages
        let toolIndices = result.indices.filter { result[$0].role == .tool || isTextToolResult(result[$0]) }
        var cleared = 0
        for index in toolIndices.dropLast(2) where result[index].content != placeholder {
            result[index].content = placeholder
            cleared += 1
        }
        if cleared > 0 { return (result, cleared) }

        guard result.count > 2 else { return (result, 0) }
        // Keep the task (first) and the newest half; tool calls and their results must stay paired,
        // so never start the kept tail on a tool result.
        var cut = result.count / 2
        while cut < result.count - 1, result[cut].role == .tool { cut += 1 }
        // Still on a tool result: step back to the assistant message that made the call.
        while cut > 1, result[cut].role == .tool { cut -= 1 }
        // An earlier pruning's note is replaced, not counted: dropping only it frees nothing.
        let earlierNote = result[1].role == .user && result[1].content.hasSuffix(Self.removalNoteSuffix)
        let removed = cut - 1 - (earlierNote ? 1 : 0)
        guard removed > 0 else { return (result, 0) }
        let note = ChatMessage.user("[\(removed) earlier message(s) \(Self.removalNoteSuffix)")
        result = [result[0], note] + result[cut...]
        return (result, removed)
    }

    static let placeholder = "[Old tool result cleared to fit the context window]"
    static let removalNoteSuffix = "removed to fit the context window]"

    static func isTextToolResult(_ message: ChatMessage) -> Bool {
        message.role == .user && message.content.hasPrefix(ToolLoop.textResultPrefix)
    }
}
