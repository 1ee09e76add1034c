import OpenKoiCore
import OpenKoiProviders

/// Resolves each task's models (its own `model`, else the session's roles) through provider
/// discovery, wraps providers in retry (and the executor in its `[models.fallback]` chain), and
/// prices them from what discovery learned. Resolution is cached per model string: a batch of 1,000
/// tasks probes local servers once.
actor SessionModelRouter: ModelRouter {
    let resolver: ProviderResolver
    let executorSpec: String?
    let evaluatorSpec: String?
    let plannerSpec: String?
    /// `[models] small_model`; unset: the executor's provider's small model, if it has one.
    let smallSpec: String?
    let fallbackSpecs: [String]
    let retry: RetryPolicy
    let breakers: CircuitBreakers
    let console: Console
    /// Providers serving models on this machine: free tokens, and a llama.cpp slot's context.
    let localProviders: Set<String>
    /// Where retries and failovers are reported, as events of the task whose call it was.
    let events: any EventSink
    /// One resolution per model string, shared by every task that asks while it is under way (a batch's
    /// first wave would otherwise probe local servers once per task).
    private var cache: [String: Task<ModelBinding, any Error>] = [:]
    private var fallbacks: Task<[FailoverProvider.Candidate], Never>?

    init(
        resolver: ProviderResolver, models: ModelsConfig, executor: String?, retry: RetryConfig, console: Console,
        events: any EventSink, localProviders: Set<String> = PricingTable.localProviders
    ) {
        self.localProviders = localProviders
        self.events = events
        self.resolver = resolver
        executorSpec = executor
        evaluatorSpec = models.evaluator
        plannerSpec = models.planner
        smallSpec = models.smallModel
        fallbackSpecs = models.fallback
        self.retry = RetryPolicy(
            maxAttempts: retry.maxAttempts, baseDelay: retry.baseDelaySeconds, maxDelay: retry.maxDelaySeconds,
            maxRetryAfter: retry.maxRetryAfterSeconds)
        breakers = CircuitBreakers(failureThreshold: retry.breakerFailures, cooldown: retry.breakerCooldownSeconds)
        self.console = console
    }

    func roles(for task: TaskSpec) async throws -> TaskRoles {
        let executor = try await withFallbacks(binding(for: task.model ?? executorSpec))
        // A task that names its own model uses it for every role unless the config names role models.
        let evaluator = try await evaluatorSpec == nil ? executor : binding(for: evaluatorSpec)
        let planner = try await plannerSpec == nil ? executor : binding(for: plannerSpec)
        return TaskRoles(
            planner: planner, executor: executor, evaluator: evaluator,
            small: DeferredBinding { await self.smallBinding(for: executor) })
    }

    /// The small model never stops a task: one that cannot be resolved is said once, and its calls
    /// go to the evaluator instead.
    private var smallFailureSaid = false
    func smallBinding(for executor: ModelBinding) async -> ModelBinding? {
        let providerID = executor.provider.id
        guard let spec = smallSpec ?? ProviderProfile.builtIn(providerID)?.smallModel.map({ "\(providerID)/\($0)" })
        else { return nil }
        if spec == executor.label { return executor }
        do {
            return try await binding(for: spec)
        } catch {
            if smallSpec != nil, !smallFailureSaid {
                smallFailureSaid = true
                console.warning("[models] small_model \(spec) cannot be used (\(error)); using the evaluator instead")
            }
            return nil
        }
    }

    func binding(for spec: String?) async throws -> ModelBinding {
        let key = spec ?? ""
        if let pending = cache[key] { return try await pending.value }
        let resolution = Task { try await resolve(spec) }
        cache[key] = resolution
        do {
            return try await resolution.value
        } catch {
            cache[key] = nil  // a later task may succeed (a server that was still starting)
            throw error
        }
    }

    /// The executor with its fallback chain; fallbacks that cannot be resolved are named once and left out.
    private func withFallbacks(_ primary: ModelBinding) async -> ModelBinding {
        if fallbacks == nil {
            let specs = fallbackSpecs
            fallbacks = Task {
                var candidates: [FailoverProvider.Candidate] = []
                for spec in specs {
                    do {
                        let fallback = try await self.binding(for: spec)
                        candidates.append(
                            .init(provider: fallback.provider, model: fallback.model, pricing: fallback.pricing))
                    } catch {
                        self.console.warning("[models.fallback] \(spec) left out: \(error)")
                    }
                }
                return candidates
            }
        }
        let chain = await fallbacks?.value.filter { $0.label != primary.label } ?? []
        guard !chain.isEmpty else { return primary }
        var binding = primary
        let events = events
        let console = console
        binding.provider = FailoverProvider(
            [.init(provider: primary.provider, model: primary.model, pricing: primary.pricing)] + chain,
            breakers: breakers,
            onFailover: { from, to, reason in
                let text = "\(from) failed (\(reason)); switching to \(to)"
                guard let context = ModelCallContext.current else { return console.warning(text) }
                events.publish(
                    TaskEvent(
                        taskID: context.taskID,
                        kind: .failover(phase: context.phase, from: from, to: to, reason: reason)))
            })
        return binding
    }

    /// The listed price of the model `spec` names (`nil`: the executor's), or `nil` when neither
    /// discovery nor the catalogs know it.
    func knownPricing(for spec: String?) async -> ModelPricing? {
        guard let resolved = try? await resolver.resolve(model: spec ?? executorSpec) else { return nil }
        if localProviders.contains(resolved.provider.id) { return .free }
        return resolved.info?.pricing
            ?? PricingTable.knownPricing(provider: resolved.provider.id, model: resolved.model)
    }

    /// The model `spec` names is served on this machine.
    func isLocal(model spec: String) async -> Bool {
        guard let resolved = try? await resolver.resolve(model: spec) else { return false }
        return localProviders.contains(resolved.provider.id)
    }

    /// Every role's model for a task naming `model` has a known price.
    func isPriced(model: String) async -> Bool {
        for spec in [model, evaluatorSpec ?? model, plannerSpec ?? model] where await knownPricing(for: spec) == nil {
            return false
        }
        return true
    }

    private func resolve(_ spec: String?) async throws -> ModelBinding {
        let resolved = try await resolver.resolve(model: spec)
        if let loose = resolved.correctedFrom { console.note("  Note: '\(loose)' resolved to '\(resolved.model)'") }
        let providerID = resolved.provider.id
        let console = console
        let events = events
        let provider = RetryingProvider(
            wrapping: resolved.provider, policy: retry,
            onRetry: { attempt, delay, error in
                let reason = "\(providerID): \(error.message)"
                // A task's call: an event, so progress, --json logs and state files see it. Otherwise
                // (no task bound the context) the console is all there is.
                guard let context = ModelCallContext.current else {
                    console.warning("\(reason); retry \(attempt) in \(NumberText.fixed(delay, decimals: 1)) s")
                    return
                }
                events.publish(
                    TaskEvent(
                        taskID: context.taskID,
                        kind: .retrying(phase: context.phase, attempt: attempt, delaySeconds: delay, reason: reason)))
            })
        let local = localProviders.contains(providerID)
        // Local servers: the context of one llama.cpp slot (start.sh serves 8192 per slot for the
        // coder model), and enough output for a whole 150-line file without rambling to the limit.
        let listedWindow = local ? nil : resolved.info?.contextWindow
        return ModelBinding(
            provider: provider, model: resolved.model,
            pricing: local
                ? .free : resolved.info?.pricing ?? PricingTable.pricing(provider: providerID, model: resolved.model),
            contextWindow: listedWindow ?? ModelCatalog.info(provider: providerID, model: resolved.model)?.contextWindow
                ?? (local ? 8192 : nil),
            maxOutputTokens: local ? 1536 : nil)
    }
}
