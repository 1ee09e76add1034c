import OpenKoiCore

extension ModelCatalog {
    /// Models Copilot offers (reference §3.2), for when its model list cannot be read. Context windows are
    /// Copilot's prompt limits, which are smaller than the vendors' own; a subscription covers the tokens.
    public static let copilot: [ModelInfo] =
        [
            ("claude-haiku-4.5", 128_000), ("claude-sonnet-4", 128_000), ("claude-sonnet-4.5", 128_000),
            ("claude-sonnet-4.6", 128_000), ("claude-opus-4.5", 128_000), ("claude-opus-4.6", 128_000),
            ("gpt-4o", 64_000), ("gpt-4.1", 64_000),
            ("gpt-5-mini", 128_000), ("gpt-5.1", 128_000), ("gpt-5.1-codex", 128_000),
            ("gpt-5.1-codex-mini", 128_000), ("gpt-5.1-codex-max", 128_000), ("gpt-5.2", 128_000),
            ("gpt-5.2-codex", 272_000), ("gpt-5.3-codex", 272_000),
            ("gemini-2.5-pro", 128_000), ("gemini-3-flash-preview", 128_000), ("gemini-3-pro-preview", 128_000),
            ("gemini-3.1-pro-preview", 128_000),
            ("grok-code-fast-1", 128_000),
        ].map { id, window in ModelInfo(id: id, contextWindow: window, pricing: .free) }
}
