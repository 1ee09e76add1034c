/// One `[providers.<id>]` table: an extra OpenAI-compatible endpoint.
public struct ProviderConfig: Sendable, Equatable {
    /// Required (key `base_url`).
    public var baseURL: String
    /// Environment variable holding the API key (key `api_key_env`).
    public var apiKeyEnv: String?
    /// `"auto"` picks the first model the endpoint lists (key `default_model`).
    public var defaultModel: String
    /// Models to offer when the endpoint cannot list them.
    public var models: [String]
    /// Name shown in pickers and status (key `display_name`).
    public var displayName: String?

    public init(
        baseURL: String, apiKeyEnv: String? = nil, defaultModel: String = "auto", models: [String] = [],
        displayName: String? = nil
    ) {
        self.baseURL = baseURL
        self.apiKeyEnv = apiKeyEnv
        self.defaultModel = defaultModel
        self.models = models
        self.displayName = displayName
    }

    init(reading table: ConfigTableReader) throws(ConfigError) {
        self.init(baseURL: try table.requiredString("base_url"))
        apiKeyEnv = try table.string("api_key_env")
        if let value = try table.string("default_model") { defaultModel = value }
        if let value = try table.strings("models") { models = value }
        displayName = try table.string("display_name")
    }
}
