import OpenKoiCore

/// A `[providers.<id>]` table from config.toml: an OpenAI-compatible host.
///
/// Kept independent of the config module so discovery can be built and tested on its own.
public struct CustomProviderSpec: Sendable, Hashable {
    public var id: String
    /// Endpoint root including the version segment, e.g. `https://api.groq.com/openai/v1`.
    public var baseURL: String
    /// Name of the environment variable holding the key; `nil` for keyless hosts.
    public var apiKeyEnv: String?
    /// Model used when none is named; `nil` or `auto` asks the host's `/models`.
    public var defaultModel: String?

    public init(id: String, baseURL: String, apiKeyEnv: String? = nil, defaultModel: String? = nil) {
        self.id = id
        self.baseURL = baseURL
        self.apiKeyEnv = apiKeyEnv
        self.defaultModel = defaultModel
    }
}

/// A provider ready to call, and the model to ask for.
public struct ResolvedModel: Sendable {
    public var provider: any ModelProvider
    public var model: String

    public init(provider: any ModelProvider, model: String) {
        self.provider = provider
        self.model = model
    }

    public var ref: ModelRef { ModelRef(provider: provider.id, model: model) }
}
