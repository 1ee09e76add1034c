/// Which OpenAI models reason before they answer; both OpenAI wire formats (chat completions and the
/// Responses API) send those different parameters.
public enum OpenAIModelFamily {
    /// True for the o-series (`o1`, `o3-mini`, `o4-mini`, …) and every `gpt-5*` model: they reject
    /// `max_tokens` (chat completions wants `max_completion_tokens`) and any temperature but the default,
    /// and they accept a reasoning effort.
    /// - Parameter id: a model id, bare or with a router's vendor prefix (`openai/o3-mini`).
    public static func isReasoningModel(_ id: String) -> Bool {
        let name = id.split(separator: "/").last.map { $0.lowercased() } ?? id.lowercased()
        return ["o1", "o3", "o4"].contains { name == $0 || name.hasPrefix($0 + "-") } || name.hasPrefix("gpt-5")
    }
}
