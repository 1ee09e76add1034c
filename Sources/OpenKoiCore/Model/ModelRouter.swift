/// A model a stage talks to: the provider, the model id it expects, and what its tokens cost.
public struct ModelBinding: Sendable {
    public var provider: any ModelProvider
    public var model: String
    public var pricing: ModelPricing
    /// Context window in tokens when known; the executor prunes history to fit it (an estimate of
    /// the request, leaving room for the answer) before each call.
    public var contextWindow: Int?
    /// Caps the executor's output per call (small local models ramble until their context is full).
    public var maxOutputTokens: Int?

    public init(
        provider: any ModelProvider, model: String, pricing: ModelPricing = .free, contextWindow: Int? = nil,
        maxOutputTokens: Int? = nil
    ) {
        self.provider = provider
        self.model = model
        self.pricing = pricing
        self.contextWindow = contextWindow
        self.maxOutputTokens = maxOutputTokens
    }

    /// `provider/model`, as shown to users.
    public var label: String { "\(provider.id)/\(model)" }

    /// A free model with a context of 16k tokens or less (the bundled llama.cpp models): a planning
    /// call costs more than it helps, and its verdict on its own short answer is too weak to act on.
    public var isSmallLocal: Bool { pricing == .free && (contextWindow ?? .max) <= 16_384 }
}

/// The models one task uses, per role.
public struct TaskRoles: Sendable {
    public var planner: ModelBinding
    public var executor: ModelBinding
    public var evaluator: ModelBinding
    /// The small, fast model for internal cheap calls (lesson extraction), resolved only when one is
    /// made (most tasks make none); `nil` or an unresolvable one: the evaluator's.
    public var small: DeferredBinding?

    public init(
        planner: ModelBinding? = nil, executor: ModelBinding, evaluator: ModelBinding? = nil,
        small: DeferredBinding? = nil
    ) {
        self.planner = planner ?? executor
        self.executor = executor
        self.evaluator = evaluator ?? executor
        self.small = small
    }

    /// One model for every role.
    public static func single(_ binding: ModelBinding) -> TaskRoles { TaskRoles(executor: binding) }
}

/// A model resolved on first use and then kept.
public struct DeferredBinding: Sendable {
    private let resolve: @Sendable () async -> ModelBinding?

    public init(_ resolve: @escaping @Sendable () async -> ModelBinding?) { self.resolve = resolve }

    public static func resolved(_ binding: ModelBinding) -> DeferredBinding { DeferredBinding { binding } }

    public func binding() async -> ModelBinding? { await resolve() }
}

/// Resolves the models for a task (its `model` override, else the session's roles).
/// OpenKoiProviders implements discovery; tests use `FixedModelRouter`.
public protocol ModelRouter: Sendable {
    func roles(for task: TaskSpec) async throws -> TaskRoles
}

public struct FixedModelRouter: ModelRouter {
    public var roles: TaskRoles
    public init(_ roles: TaskRoles) { self.roles = roles }
    public func roles(for task: TaskSpec) async throws -> TaskRoles { roles }
}
