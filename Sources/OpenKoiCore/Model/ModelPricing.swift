/// A model's prices in US dollars per million tokens.
public struct ModelPricing: Sendable, Hashable, Codable {
    public var inputPerMTok: Double
    public var outputPerMTok: Double
    public var cacheReadPerMTok: Double
    public var cacheWritePerMTok: Double

    /// Cache prices default to 10% (read) and 125% (write) of the input price, the usual vendor ratio
    /// when a catalog does not say.
    public init(
        inputPerMTok: Double, outputPerMTok: Double, cacheReadPerMTok: Double? = nil, cacheWritePerMTok: Double? = nil
    ) {
        self.inputPerMTok = inputPerMTok
        self.outputPerMTok = outputPerMTok
        self.cacheReadPerMTok = cacheReadPerMTok ?? inputPerMTok * 0.1
        self.cacheWritePerMTok = cacheWritePerMTok ?? inputPerMTok * 1.25
    }

    /// Local models cost nothing per token.
    public static let free = ModelPricing(inputPerMTok: 0, outputPerMTok: 0, cacheReadPerMTok: 0, cacheWritePerMTok: 0)

    /// Dollar cost of `usage`, each token class at its own price.
    public func cost(_ usage: TokenUsage) -> Double {
        (Double(usage.inputTokens) * inputPerMTok + Double(usage.outputTokens) * outputPerMTok
            + Double(usage.cacheReadTokens) * cacheReadPerMTok + Double(usage.cacheWriteTokens) * cacheWritePerMTok)
            / 1_000_000
    }
}
