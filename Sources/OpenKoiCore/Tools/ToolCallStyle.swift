/// How a model asks for tools: through the API's native tool calls, or as text (JSON calls and
/// edit blocks in its reply). Small local models without tool support in their chat template
/// write text; offering them tool schemas costs prompt tokens (~3 s per 100 on a 2-core CPU) and
/// buys nothing.
public enum ToolCallStyle: String, Sendable, Hashable, CaseIterable {
    case native, text
}

/// The tool-calling style of each model: configured per provider (`[providers.<id>] tool_calls`),
/// else learned once per model from its first replies and then kept for the session, so the
/// system prompt and tool list stay the same across iterations (and the server's prompt cache holds).
public actor ToolStyleRegistry {
    private let configured: [String: ToolCallStyle]
    private var learned: [String: ToolCallStyle] = [:]

    /// - Parameter configured: styles by provider id; providers not listed are learned.
    public init(configured: [String: ToolCallStyle] = [:]) {
        self.configured = configured
    }

    /// The style to use for `binding` now: configured, learned, or native until learned otherwise.
    public func style(for binding: ModelBinding) -> ToolCallStyle {
        configured[binding.provider.id] ?? learned[binding.label] ?? .native
    }

    /// Records what a reply showed when tools were offered natively.
    /// - Returns: the style, when this observation decided it (for a progress notice).
    public func observe(_ binding: ModelBinding, nativeCalls: Bool, textCalls: Bool) -> ToolCallStyle? {
        guard configured[binding.provider.id] == nil, learned[binding.label] == nil else { return nil }
        let style: ToolCallStyle
        if nativeCalls {
            style = .native
        } else if textCalls {
            style = .text
        } else {
            return nil  // a plain answer says nothing either way
        }
        learned[binding.label] = style
        return style
    }
}
