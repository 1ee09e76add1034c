/// Running totals of one task's spend, checked against its policy after every model call.
public struct BudgetMeter: Sendable, Hashable {
    public private(set) var usage = TokenUsage.zero
    public private(set) var costUSD = 0.0
    /// `costUSD` by the phase that spent it (plan, execute, evaluate).
    public private(set) var costByPhase: [TaskEvent.Phase: Double] = [:]
    public private(set) var toolCalls = 0
    /// Whether the 80% cost warning was given.
    public private(set) var warnedAboutCost = false
    /// The `provider/model` a fallback answered the latest execute call with (`nil`: the bound executor).
    public private(set) var executorServedBy: String?

    public init() {}

    /// - Parameter servedBy: the fallback that answered, when one did (`ChatResponse.servedBy`).
    public mutating func record(
        _ usage: TokenUsage, pricing: ModelPricing, phase: TaskEvent.Phase, servedBy: String? = nil
    ) {
        if phase == .execute { executorServedBy = servedBy }
        self.usage += usage
        let cost = pricing.cost(usage)
        costUSD += cost
        costByPhase[phase, default: 0] += cost
    }

    public mutating func recordToolCall() { toolCalls += 1 }

    /// The fraction of the USD budget at which the task is warned once (`budget.warning`).
    public static let costWarningFraction = 0.8

    /// True the first time spend reaches 80% of the USD budget; false before and after.
    public mutating func takeCostWarning(_ policy: TaskPolicy) -> Bool {
        guard !warnedAboutCost, policy.maxCostUSD > 0, costUSD >= policy.maxCostUSD * Self.costWarningFraction
        else { return false }
        warnedAboutCost = true
        return true
    }

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
                "cost budget exhausted: $\(NumberText.dollars(costUSD)) of $\(NumberText.dollars(policy.maxCostUSD)) spent (raise it with --budget or [safety] max_cost_usd)"
        default: return decision.rawValue
        }
    }
}
