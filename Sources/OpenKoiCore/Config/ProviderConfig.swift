/// One `[providers.<id>]` table: an extra OpenAI-compatible endpoint, or options for a built-in
/// provider (`[providers.local] tool_calls = "text"`).
public struct ProviderConfig: Sendable, Equatable {
    /// Ids of the built-in providers: their tables may set options without a `base_url`.
    /// (The providers module's `ProviderProfile.builtIn` lists the same ids; a test keeps them equal.)
    public static let builtInIDs: Set<String> = [
        "copilot", "chatgpt", "anthropic", "openai", "google", "bedrock", "openrouter", "groq", "together", "deepseek",
        "xai", "moonshot", "qwen", "ollama", "local",
    ]
    /// Values of `kind`: the wire format a host speaks.
    public static let kinds = ["openai", "anthropic", "ollama", "gemini", "bedrock", "openai-responses"]

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
    /// The wire format (key `kind`, one of `kinds`); `nil` is the built-in's own, or `openai`.
    public var kind: String?
    /// The server runs on this machine (key `local`, e.g. a second llama.cpp server): its tokens
    /// cost $0 and requests are sized as for the bundled local model. A loopback address alone
    /// does not say so — it may be a proxy to a paid API.
    public var local = false

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
        if let kind = try table.string("kind") {
            guard Self.kinds.contains(kind) else {
                throw table.invalid("kind", "expected one of \(Self.kinds.joined(separator: ", ")), got '\(kind)'")
            }
            self.kind = kind
        }
        apiKeyEnv = try table.string("api_key_env")
        if let value = try table.string("default_model") { defaultModel = value }
        if let value = try table.strings("models") { models = value }
        displayName = try table.string("display_name")
        local = try table.bool("local") ?? false
    }
}
