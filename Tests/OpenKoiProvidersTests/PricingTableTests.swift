import OpenKoiCore
import Testing

@testable import OpenKoiProviders

struct PricingTableTests {
    @Test func catalogPricesIncludeCachePrices() {
        let sonnet = PricingTable.pricing(provider: "anthropic", model: "claude-sonnet-4-20250514")
        #expect(
            sonnet == ModelPricing(inputPerMTok: 3, outputPerMTok: 15, cacheReadPerMTok: 0.3, cacheWritePerMTok: 3.75))
        #expect(PricingTable.pricing(provider: "openai", model: "gpt-4.1").cacheReadPerMTok == 0.5)
    }

    @Test func fallbackByNameWithDerivedCachePrices() {
        let opus = PricingTable.pricing(provider: "openrouter", model: "anthropic/claude-opus-4")
        #expect(opus.inputPerMTok == 15 && opus.outputPerMTok == 75)
        #expect(abs(opus.cacheReadPerMTok - 1.5) < 1e-9)
        #expect(abs(opus.cacheWritePerMTok - 18.75) < 1e-9)
        #expect(PricingTable.pricing(provider: "openai", model: "gpt-4.1-mini-2025").inputPerMTok == 0.4)
        #expect(PricingTable.pricing(provider: "openai", model: "gpt-4o-mini").inputPerMTok == 0.15)
        #expect(PricingTable.pricing(provider: "x", model: "something-new") == PricingTable.unknownModel)
    }

    @Test func paidOpenWeightAPIsAreNotFreeButLocalModelsAre() {
        #expect(PricingTable.pricing(provider: "deepseek", model: "deepseek-chat").inputPerMTok > 0)
        #expect(PricingTable.pricing(provider: "qwen", model: "qwen2.5-coder-32b").outputPerMTok > 0)
        #expect(PricingTable.pricing(provider: "groq", model: "llama-3.3-70b-versatile").inputPerMTok > 0)
        #expect(PricingTable.pricing(provider: "ollama", model: "claude-like-name") == .free)
        #expect(PricingTable.pricing(provider: "local", model: "smollm2") == .free)
    }

    @Test func costAddsEveryTokenClassAtItsPrice() {
        let usage = TokenUsage(
            inputTokens: 1_000_000, outputTokens: 100_000, cacheReadTokens: 2_000_000, cacheWriteTokens: 400_000)
        let cost = PricingTable.cost(usage, provider: "anthropic", model: "claude-sonnet-4-20250514")
        // 3 + 1.5 + 0.6 + 1.5
        #expect(abs(cost - 6.6) < 1e-9)
        #expect(ModelPricing.free.cost(usage) == 0)
    }
}
