import FoundationEssentials
import OpenKoiCore
import Testing

/// Usage counts come from servers and are clamped to what a call can really use.
struct TokenUsageTests {
    @Test func negativeAndHugeCountsAreClamped() {
        let usage = TokenUsage(
            inputTokens: -8_000_000_000_000_000, outputTokens: 12, cacheReadTokens: Int.max, cacheWriteTokens: -1)
        #expect(usage.inputTokens == 0)
        #expect(usage.outputTokens == 12)
        #expect(usage.cacheReadTokens == TokenUsage.maxPlausible)
        #expect(usage.cacheWriteTokens == 0)
        // Sums are clamped the same way, so they cannot overflow or go negative.
        let sum = usage + usage + TokenUsage(inputTokens: 5)
        #expect(sum.total == TokenUsage.maxPlausible + 24 + 5)
    }

    @Test func assignmentAndDecodingAreClampedToo() throws {
        var usage = TokenUsage(outputTokens: 3)
        usage.outputTokens = -40
        usage.inputTokens = Int.max
        #expect(usage.outputTokens == 0 && usage.inputTokens == TokenUsage.maxPlausible)
        let json = #"{"inputTokens":-5,"outputTokens":7,"cacheReadTokens":99999999999999999,"cacheWriteTokens":1}"#
        let decoded = try JSONDecoder().decode(TokenUsage.self, from: Data(json.utf8))
        #expect(
            decoded
                == TokenUsage(
                    inputTokens: 0, outputTokens: 7, cacheReadTokens: TokenUsage.maxPlausible, cacheWriteTokens: 1))
    }

    @Test func aMeterFedNegativeUsageStillTripsItsTokenBudget() {
        var meter = BudgetMeter()
        let pricing = ModelPricing(inputPerMTok: 3, outputPerMTok: 15)
        meter.record(TokenUsage(inputTokens: 100), pricing: pricing, phase: .execute)
        meter.record(
            TokenUsage(inputTokens: -8_000_000_000_000_000, outputTokens: 150), pricing: pricing, phase: .execute)
        #expect(meter.usage.total == 250)
        #expect(meter.costUSD > 0)
        #expect(meter.exceeded(TaskPolicy(tokenBudget: 200)) == .abortBudget)
    }
}

struct NumberTextTests {
    @Test func formsReadAsWritten() {
        #expect(NumberText.plain(1.0) == "1")
        #expect(NumberText.plain(0.8) == "0.8")
        #expect(NumberText.plain(120) == "120")
        #expect(NumberText.fixed(0.8, decimals: 2) == "0.80")
        #expect(NumberText.fixed(-0.004, decimals: 2) == "0.00")
        #expect(NumberText.fixed(2.5, decimals: 0) == "3")
        #expect(NumberText.dollars(0.00012) == "0.0001")
        #expect(NumberText.fixed(.infinity, decimals: 2) == "inf")
        #expect(NumberText.fixed(1e300, decimals: 2) == NumberText.plain(1e300), "no overflow trap on huge values")
    }
}
