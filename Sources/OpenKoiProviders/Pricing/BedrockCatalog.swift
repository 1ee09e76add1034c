import OpenKoiCore

extension ModelCatalog {
    /// Bedrock models whose limits and prices are known without asking (reference §3.3, which gives no
    /// cache prices, so `ModelPricing`'s default ratios apply). The Claude 3.5 Haiku id is Bedrock's real
    /// one: the reference's `anthropic.claude-haiku-3-5-20241022-v1:0` does not exist.
    public static let bedrock: [ModelInfo] = [
        ModelInfo(
            id: "anthropic.claude-sonnet-4-20250514-v1:0", contextWindow: 200_000, maxOutputTokens: 8192,
            pricing: ModelPricing(inputPerMTok: 3, outputPerMTok: 15)),
        ModelInfo(
            id: "anthropic.claude-3-5-haiku-20241022-v1:0", contextWindow: 200_000, maxOutputTokens: 8192,
            pricing: ModelPricing(inputPerMTok: 0.8, outputPerMTok: 4)),
        ModelInfo(
            id: "amazon.nova-pro-v1:0", contextWindow: 300_000, maxOutputTokens: 5120,
            pricing: ModelPricing(inputPerMTok: 0.8, outputPerMTok: 3.2)),
        ModelInfo(
            id: "meta.llama3-3-70b-instruct-v1:0", contextWindow: 128_000, maxOutputTokens: 4096,
            pricing: ModelPricing(inputPerMTok: 0.72, outputPerMTok: 0.72)),
    ]
}
