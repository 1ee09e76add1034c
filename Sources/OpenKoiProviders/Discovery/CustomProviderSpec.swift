import OpenKoiCore

/// A `[providers.<id>]` table from config.toml: an extra host (OpenAI-compatible unless `kind` says
/// otherwise), or overrides for a built-in provider (`[providers.openai] base_url = "…"`).
///
/// Kept independent of the config module so discovery can be built and tested on its own.
public struct CustomProviderSpec: Sendable, Hashable {
    public var id: String
    /// Endpoint root including the version segment, e.g. `https://api.groq.com/openai/v1`; empty
    /// for a built-in provider's table that only sets other options.
    public var baseURL: String
    /// Name of the environment variable holding the key; `nil` for keyless hosts.
    public var apiKeyEnv: String?
    /// Model used when none is named; `nil` or `auto` asks the host's `/models`.
    public var defaultModel: String?
    /// The wire format (`kind`); `nil` means the built-in provider's own, or OpenAI's for a new id.
    public var kind: WireFormat?
    public var displayName: String?
    /// Models to offer when the host cannot list them.
    public var models: [String]

    public init(
        id: String, baseURL: String, apiKeyEnv: String? = nil, defaultModel: String? = nil, kind: WireFormat? = nil,
        displayName: String? = nil, models: [String] = []
    ) {
        self.id = id
        self.baseURL = baseURL
        self.apiKeyEnv = apiKeyEnv
        self.defaultModel = defaultModel
        self.kind = kind
        self.displayName = displayName
        self.models = models
    }
}

/// A provider ready to call, the model to ask for, and what is known about that model.
public struct ResolvedModel: Sendable {
    public var provider: any ModelProvider
    public var model: String
    /// Limits and prices from the provider's list or the static catalog, when known.
    public var info: ModelInfo?
    /// Set when the model was named loosely and matched to a listed id (shown as a note).
    public var correctedFrom: String?

    public init(provider: any ModelProvider, model: String, info: ModelInfo? = nil, correctedFrom: String? = nil) {
        self.provider = provider
        self.model = model
        self.info = info
        self.correctedFrom = correctedFrom
    }

    public var ref: ModelRef { ModelRef(provider: provider.id, model: model) }
}
