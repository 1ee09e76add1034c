/// Running totals of one task's spend, checked against its policy after every model call.
public struct BudgetMeter: Sendable, Hashable {
    public private(set) var usage = TokenUsage.zero
    public private(set) var costUSD = 0.0
    public private(set) var toolCalls = 0

    public init() {}

    public mutating func record(_ usage: TokenUsage, pricing: ModelPricing) {
        self.usage += usage
        costUSD += pricing.cost(usage)
    }

    public mutating func recordToolCall() { toolCalls += 1 }

    /// The breaker that trips first, if any: tokens, then dollars.
    public func exceeded(_ policy: TaskPolicy) -> Decision? {
        if policy.tokenBudget > 0, usage.total >= policy.tokenBudget { return .abortBudget }
        if policy.maxCostUSD > 0, costUSD >= policy.maxCostUSD { return .abortCost }
        return nil
    }

    /// A user-facing reason for a budget stop.
    public func explanation(for decision: Decision, policy: TaskPolicy) -> String {
        switch decision {
        case .abortBudget:
            return
                "token budget exhausted: \(usage.total) of \(policy.tokenBudget) tokens used (raise it with --budget-tokens or [iteration] token_budget)"
        case .abortCost:
            return
                "cost budget exhausted: $\(Self.dollars(costUSD)) of $\(Self.dollars(policy.maxCostUSD)) spent (raise it with --budget or [safety] max_cost_usd)"
        default: return decision.rawValue
        }
    }

    /// Dollars with 4 decimals, without Foundation's formatters (they pull ICU).
    public static func dollars(_ value: Double) -> String { fixed(value, decimals: 4) }

    public static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int(scaled / scale)
        var fraction = String(Int(scaled - Double(whole) * scale))
        while fraction.count < decimals { fraction = "0" + fraction }
        let sign = value < 0 && scaled != 0 ? "-" : ""
        return decimals == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }
}
