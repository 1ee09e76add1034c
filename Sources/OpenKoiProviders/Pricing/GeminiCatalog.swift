import OpenKoiCore

extension ModelCatalog {
    /// Google's Gemini models (reference §3.3; prices are the ≤200k-token-prompt tier).
    ///
    /// Gemini bills cached prompt tokens at a quarter of the input price and has no per-token charge for
    /// writing its implicit cache (explicit caches are billed per hour, which no token count captures).
    public static let gemini: [ModelInfo] = [
        ModelInfo(
            id: "gemini-2.5-pro", contextWindow: 1_048_576, maxOutputTokens: 65_536,
            pricing: ModelPricing(
                inputPerMTok: 1.25, outputPerMTok: 10, cacheReadPerMTok: 0.3125, cacheWritePerMTok: 1.25)
        ),
        ModelInfo(
            id: "gemini-2.5-flash", contextWindow: 1_048_576, maxOutputTokens: 65_536,
            pricing: ModelPricing(
                inputPerMTok: 0.15, outputPerMTok: 0.6, cacheReadPerMTok: 0.0375, cacheWritePerMTok: 0.15)
        ),
        ModelInfo(
            id: "gemini-2.0-flash", contextWindow: 1_048_576, maxOutputTokens: 8192,
            pricing: ModelPricing(
                inputPerMTok: 0.1, outputPerMTok: 0.4, cacheReadPerMTok: 0.025, cacheWritePerMTok: 0.1)),
    ]
}
