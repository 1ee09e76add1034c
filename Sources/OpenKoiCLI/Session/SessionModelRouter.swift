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
    /// Where retries are reported, as `retrying` events of the task whose call is retried.
    let events: any EventSink
    /// One resolution per model string, shared by every task that asks while it is under way (a batch's
    /// first wave would otherwise probe local servers once per task).
    private var cache: [String: Task<ModelBinding, any Error>] = [:]

    init(
        resolver: ProviderResolver, executor: String?, evaluator: String?, planner: String?, console: Console,
        events: any EventSink
    ) {
        self.events = events
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
        if let pending = cache[key] { return try await pending.value }
        let resolution = Task { [events] in
            try await Self.resolve(spec, resolver: resolver, console: console, events: events)
        }
        cache[key] = resolution
        do {
            return try await resolution.value
        } catch {
            cache[key] = nil  // a later task may succeed (a server that was still starting)
            throw error
        }
    }

    static func resolve(
        _ spec: String?, resolver: ProviderResolver, console: Console, events: any EventSink
    ) async throws -> ModelBinding {
        let resolved = try await resolver.resolve(model: spec)
        let providerID = resolved.provider.id
        let provider = RetryingProvider(
            wrapping: resolved.provider,
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
        let local = PricingTable.localProviders.contains(providerID)
        // Local servers: the context of one llama.cpp slot (start.sh serves 8192 per slot for the
        // coder model), and enough output for a whole 150-line file without rambling to the limit.
        let binding = ModelBinding(
            provider: provider, model: resolved.model,
            pricing: PricingTable.pricing(provider: providerID, model: resolved.model),
            contextWindow: ModelCatalog.info(provider: providerID, model: resolved.model)?.contextWindow
                ?? (local ? 8192 : nil),
            maxOutputTokens: local ? 1536 : nil)
        return binding
    }
}
