import OpenKoiCore

/// Prices for any `provider/model`: the static catalogs first, then a model-name table (reference §2.8)
/// with its bugs fixed — paid DeepSeek and Qwen APIs are priced, and only local providers are free.
public enum PricingTable {
    /// Providers that run on this machine; their tokens cost nothing.
    public static let localProviders: Set<String> = ["local", "ollama"]
    /// Logins paid for by a subscription: no per-token price.
    public static let subscriptionProviders: Set<String> = ["copilot", "chatgpt"]

    /// Price for unknown hosted models: errs towards overestimating so budgets stop early, not late.
    public static let unknownModel = ModelPricing(inputPerMTok: 1, outputPerMTok: 3)

    /// Model-name substrings with (input, output) $/Mtok, most specific first.
    static let byModelName: [(substring: String, input: Double, output: Double)] = [
        ("claude-opus", 15, 75), ("claude-sonnet", 3, 15), ("haiku", 0.8, 4),
        ("gpt-4.1-mini", 0.4, 1.6), ("gpt-4.1-nano", 0.1, 0.4), ("gpt-4.1", 2, 8),
        ("gpt-4o-mini", 0.15, 0.6), ("gpt-4o", 2.5, 10),
        ("o3-mini", 1.1, 4.4), ("o4-mini", 1.1, 4.4), ("o3", 10, 40),
        ("gemini-2.5-pro", 1.25, 10), ("gemini-2.5-flash", 0.15, 0.6), ("gemini-2.0-flash", 0.1, 0.4),
        ("gemini-1.5-pro", 1.25, 5), ("gemini-1.5-flash", 0.075, 0.3),
        ("kimi-k2.5", 0.55, 2.19), ("moonshot-v1-128k", 8.57, 8.57), ("moonshot-v1-32k", 3.43, 3.43),
        ("moonshot-v1-8k", 1.71, 1.71),
        // Hosted open-weight APIs charge per token; these are the vendors' list prices.
        ("deepseek-reasoner", 0.55, 2.19), ("deepseek", 0.27, 1.10),
        ("qwen-max", 1.6, 6.4), ("qwen-plus", 0.4, 1.2), ("qwen-turbo", 0.05, 0.2), ("qwen", 0.4, 1.2),
    ]

    /// When the catalogs' and this table's prices were last checked against the vendors' lists
    /// (bench reports print it beside their costs).
    public static let pricesAsOf = "2026-12-03"

    /// The price of `model` served by `provider`; never fails (unknown hosted models get `unknownModel`).
    public static func pricing(provider: String, model: String) -> ModelPricing {
        knownPricing(provider: provider, model: model) ?? unknownModel
    }

    /// The listed price of `model` served by `provider`, or `nil` when no catalog or table row knows it.
    public static func knownPricing(provider: String, model: String) -> ModelPricing? {
        if localProviders.contains(provider) || subscriptionProviders.contains(provider) { return .free }
        if let listed = ModelCatalog.info(provider: provider, model: model)?.pricing { return listed }
        let name = model.lowercased()
        if let row = byModelName.first(where: { name.contains($0.substring) }) {
            return ModelPricing(inputPerMTok: row.input, outputPerMTok: row.output)
        }
        return nil
    }

    /// Cost in dollars of `usage` on `provider/model`.
    public static func cost(_ usage: TokenUsage, provider: String, model: String) -> Double {
        pricing(provider: provider, model: model).cost(usage)
    }
}
