/// One `[providers.<id>]` table: an extra OpenAI-compatible endpoint, or options for a built-in
/// provider (`[providers.local] tool_calls = "text"`).
public struct ProviderConfig: Sendable, Equatable {
    /// Ids of the built-in providers: their tables may set options without a `base_url`.
    public static let builtInIDs: Set<String> = ["anthropic", "openai", "ollama", "local"]

    /// Required for extra endpoints (key `base_url`); empty for a built-in provider's options table.
    public var baseURL: String
    /// Environment variable holding the API key (key `api_key_env`).
    public var apiKeyEnv: String?
    /// `"auto"` picks the first model the endpoint lists (key `default_model`).
    public var defaultModel: String
    /// Models to offer when the endpoint cannot list them.
    public var models: [String]
    /// Name shown in pickers and status (key `display_name`).
    public var displayName: String?
    /// How its models call tools (key `tool_calls`: `"native"`, `"text"` — JSON calls and edit blocks
    /// in the reply — or `"auto"`, learned from the first replies); `nil` is auto.
    public var toolCalls: ToolCallStyle?

    public init(
        baseURL: String, apiKeyEnv: String? = nil, defaultModel: String = "auto", models: [String] = [],
        displayName: String? = nil, toolCalls: ToolCallStyle? = nil
    ) {
        self.baseURL = baseURL
        self.apiKeyEnv = apiKeyEnv
        self.defaultModel = defaultModel
        self.models = models
        self.displayName = displayName
        self.toolCalls = toolCalls
    }

    init(reading table: ConfigTableReader, id: String) throws(ConfigError) {
        let builtIn = Self.builtInIDs.contains(id)
        self.init(baseURL: builtIn ? try table.string("base_url") ?? "" : try table.requiredString("base_url"))
        if let style = try table.string("tool_calls") {
            switch style {
            case "auto": toolCalls = nil
            case let name where ToolCallStyle(rawValue: name) != nil: toolCalls = ToolCallStyle(rawValue: name)
            default: throw table.invalid("tool_calls", "expected one of native, text, auto, got '\(style)'")
            }
        }
        apiKeyEnv = try table.string("api_key_env")
        if let value = try table.string("default_model") { defaultModel = value }
        if let value = try table.strings("models") { models = value }
        displayName = try table.string("display_name")
    }
}
