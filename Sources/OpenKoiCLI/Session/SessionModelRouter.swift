import OpenKoiCore
import OpenKoiProviders

/// Resolves each task's models (its own `model`, else the session's roles) through provider
/// discovery, wraps providers in retry, and prices them. Resolution is cached per model string:
/// a batch of 1,000 tasks probes local servers once.
actor SessionModelRouter: ModelRouter {
    let resolver: ProviderResolver
    let executorSpec: String?
    let evaluatorSpec: String?
    let plannerSpec: String?
    let console: Console
    private var cache: [String: ModelBinding] = [:]

    init(resolver: ProviderResolver, executor: String?, evaluator: String?, planner: String?, console: Console) {
        self.resolver = resolver
        executorSpec = executor
        evaluatorSpec = evaluator
        plannerSpec = planner
        self.console = console
    }

    func roles(for task: TaskSpec) async throws -> TaskRoles {
        let executor = try await binding(for: task.model ?? executorSpec)
        // A task that names its own model uses it for every role unless the config names role models.
        let evaluator = try await evaluatorSpec == nil ? executor : binding(for: evaluatorSpec)
        let planner = try await plannerSpec == nil ? executor : binding(for: plannerSpec)
        return TaskRoles(planner: planner, executor: executor, evaluator: evaluator)
    }

    func binding(for spec: String?) async throws -> ModelBinding {
        let key = spec ?? ""
        if let cached = cache[key] { return cached }
        let resolved = try await resolver.resolve(model: spec)
        let console = self.console
        let providerID = resolved.provider.id
        let provider = RetryingProvider(wrapping: resolved.provider, onRetry: { attempt, delay, error in
            console.warning("\(providerID): \(error.message); retry \(attempt) in \(BudgetMeter.fixed(delay, decimals: 1)) s")
        })
        let local = PricingTable.localProviders.contains(providerID)
        let binding = ModelBinding(
            provider: provider, model: resolved.model, pricing: PricingTable.pricing(provider: providerID, model: resolved.model),
            contextWindow: ModelCatalog.info(provider: providerID, model: resolved.model)?.contextWindow,
            maxOutputTokens: local ? 1024 : nil)
        cache[key] = binding
        return binding
    }
}
