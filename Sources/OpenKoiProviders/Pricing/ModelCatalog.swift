import OpenKoiCore

/// Models whose limits and prices are known without asking the provider (reference §3.3).
public enum ModelCatalog {
    public static let anthropic: [ModelInfo] = [
        ModelInfo(
            id: "claude-sonnet-4-20250514", contextWindow: 200_000, maxOutputTokens: 16_384,
            pricing: ModelPricing(inputPerMTok: 3, outputPerMTok: 15, cacheReadPerMTok: 0.3, cacheWritePerMTok: 3.75)),
        ModelInfo(
            id: "claude-opus-4-20250514", contextWindow: 200_000, maxOutputTokens: 32_768,
            pricing: ModelPricing(inputPerMTok: 15, outputPerMTok: 75, cacheReadPerMTok: 1.5, cacheWritePerMTok: 18.75)),
        ModelInfo(
            id: "claude-haiku-3-5-20241022", contextWindow: 200_000, maxOutputTokens: 8192,
            pricing: ModelPricing(inputPerMTok: 0.8, outputPerMTok: 4, cacheReadPerMTok: 0.08, cacheWritePerMTok: 1)),
    ]

    /// OpenAI does not charge extra for writing its prompt cache, so cache writes cost plain input.
    public static let openAI: [ModelInfo] = [
        ModelInfo(
            id: "gpt-4.1", contextWindow: 1_047_576, maxOutputTokens: 32_768,
            pricing: ModelPricing(inputPerMTok: 2, outputPerMTok: 8, cacheReadPerMTok: 0.5, cacheWritePerMTok: 2)),
        ModelInfo(
            id: "gpt-4.1-mini", contextWindow: 1_047_576, maxOutputTokens: 32_768,
            pricing: ModelPricing(inputPerMTok: 0.4, outputPerMTok: 1.6, cacheReadPerMTok: 0.1, cacheWritePerMTok: 0.4)),
        ModelInfo(
            id: "o3-mini", contextWindow: 200_000, maxOutputTokens: 100_000,
            pricing: ModelPricing(inputPerMTok: 1.1, outputPerMTok: 4.4, cacheWritePerMTok: 1.1)),
    ]

    /// The static catalog of `provider` (empty for hosts whose models are only known by asking).
    public static func catalog(for provider: String) -> [ModelInfo] {
        switch provider {
        case "anthropic": return anthropic
        case "openai": return openAI
        case "google": return gemini
        case "copilot": return copilot
        case "bedrock": return bedrock
        case "chatgpt": return chatGPT
        default: return []
        }
    }

    /// The catalog entry for `model` under `provider`, if the provider has a static catalog and lists it.
    public static func info(provider: String, model: String) -> ModelInfo? {
        catalog(for: provider).first { $0.id == model }
    }
}
