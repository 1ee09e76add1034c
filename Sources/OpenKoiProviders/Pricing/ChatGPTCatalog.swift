import OpenKoiCore

extension ModelCatalog {
    /// The Codex models a ChatGPT Plus/Pro plan serves (reference §3.2). They cost nothing per token:
    /// the subscription pays, within its usage limits.
    public static let chatGPT: [ModelInfo] = [
        "gpt-5.1-codex", "gpt-5.1-codex-max", "gpt-5.1-codex-mini", "gpt-5.2-codex", "gpt-5.3-codex",
    ].map { ModelInfo(id: $0, contextWindow: 200_000, maxOutputTokens: 128_000, pricing: .free) }
}
