import OpenKoiCore

/// The wire format a provider speaks; a `[providers.<id>]` table may name one with `kind`.
public enum WireFormat: String, Sendable, CaseIterable {
    case anthropic, openai, ollama, gemini, bedrock
    /// OpenAI's Responses API (`kind = "openai-responses"`).
    case openaiResponses = "openai-responses"
}

/// A provider OpenKoi knows by name: where it lives, which variables hold its key and which model
/// it uses when none is named (reference §3.6).
public struct ProviderProfile: Sendable, Hashable {
    public enum Access: Sendable, Hashable {
        /// An API key from one of the variables, `auth.json` or `credentials/<id>.key`.
        case apiKey(variables: [String])
        /// An OAuth login made with `openkoi connect <id>`.
        case login
        /// AWS access keys from the environment.
        case aws
        /// A server on this machine; no credentials.
        case none
    }

    public var id: String
    public var displayName: String
    public var wire: WireFormat
    public var access: Access
    public var baseURL: String
    /// The variable an official SDK reads to override the base URL.
    public var baseURLVariable: String?
    public var defaultModel: String
    /// The cheap model for internal calls (summaries, classification) when `small_model` is unset.
    public var smallModel: String?

    /// Every built-in provider, in the order a default is chosen when several are available
    /// (reference §3.6: logins first, then paid APIs, then local servers).
    public static let builtIn: [ProviderProfile] = [
        ProviderProfile(
            id: "copilot", displayName: "GitHub Copilot", wire: .openai, access: .login,
            baseURL: "https://api.githubcopilot.com", defaultModel: "gpt-4.1", smallModel: "gpt-4o-mini"),
        ProviderProfile(
            id: "chatgpt", displayName: "ChatGPT Plus/Pro", wire: .openaiResponses, access: .login,
            baseURL: "https://chatgpt.com/backend-api/codex", defaultModel: "gpt-5.1-codex",
            smallModel: "gpt-5.1-codex-mini"),
        ProviderProfile(
            id: "anthropic", displayName: "Anthropic", wire: .anthropic,
            access: .apiKey(variables: ["ANTHROPIC_API_KEY"]),
            baseURL: AnthropicProvider.defaultBaseURL, baseURLVariable: "ANTHROPIC_BASE_URL",
            defaultModel: "claude-sonnet-4-20250514", smallModel: "claude-haiku-3-5-20241022"),
        ProviderProfile(
            id: "openai", displayName: "OpenAI", wire: .openai, access: .apiKey(variables: ["OPENAI_API_KEY"]),
            baseURL: OpenAIChatProvider.defaultBaseURL, baseURLVariable: "OPENAI_BASE_URL", defaultModel: "gpt-4.1",
            smallModel: "gpt-4.1-mini"),
        ProviderProfile(
            id: "google", displayName: "Google Gemini", wire: .gemini,
            access: .apiKey(variables: ["GOOGLE_API_KEY", "GEMINI_API_KEY"]),
            baseURL: "https://generativelanguage.googleapis.com/v1beta", baseURLVariable: "GOOGLE_GEMINI_BASE_URL",
            defaultModel: "gemini-2.5-pro", smallModel: "gemini-2.0-flash"),
        ProviderProfile(
            id: "bedrock", displayName: "AWS Bedrock", wire: .bedrock, access: .aws, baseURL: "",
            baseURLVariable: "AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
            defaultModel: "anthropic.claude-sonnet-4-20250514-v1:0",
            smallModel: "anthropic.claude-3-5-haiku-20241022-v1:0"),
        compatible(
            "openrouter", "OpenRouter", "https://openrouter.ai/api/v1", model: "openrouter/auto",
            small: "openai/gpt-4o-mini"),
        compatible(
            "groq", "Groq", "https://api.groq.com/openai/v1", model: "llama-3.3-70b-versatile",
            small: "llama-3.1-8b-instant"),
        compatible(
            "together", "Together AI", "https://api.together.xyz/v1",
            model: "meta-llama/Llama-3.3-70B-Instruct-Turbo", small: "meta-llama/Llama-3.2-3B-Instruct-Turbo"),
        compatible(
            "deepseek", "DeepSeek", "https://api.deepseek.com/v1", model: "deepseek-chat", small: "deepseek-chat"),
        compatible("xai", "xAI", "https://api.x.ai/v1", model: "grok-3", small: "grok-3-mini"),
        compatible(
            "moonshot", "Moonshot (Kimi)", "https://api.moonshot.cn/v1", model: "kimi-k2.5", small: "moonshot-v1-8k",
            variables: ["MOONSHOT_API_KEY", "KIMI_API_KEY"]),
        compatible(
            "qwen", "Qwen (DashScope)", "https://dashscope.aliyuncs.com/compatible-mode/v1",
            model: "qwen2.5-coder-32b-instruct", small: "qwen-turbo", variables: ["QWEN_API_KEY", "DASHSCOPE_API_KEY"]),
        ProviderProfile(
            id: "ollama", displayName: "Ollama", wire: .ollama, access: .none, baseURL: OllamaProvider.defaultBaseURL,
            baseURLVariable: "OLLAMA_HOST", defaultModel: "auto"),
        ProviderProfile(
            id: "local", displayName: "Local llama.cpp server", wire: .openai, access: .none,
            baseURL: ProviderResolver.defaultLocalBaseURL, baseURLVariable: "OPENKOI_LOCAL_BASE_URL",
            defaultModel: "auto"),
    ]

    public static func builtIn(_ id: String) -> ProviderProfile? { builtIn.first { $0.id == id } }

    /// Other spellings users type for a provider (`connect github-copilot`, `-m kimi/…`).
    public static let aliases: [String: String] = [
        "github-copilot": "copilot", "github_copilot": "copilot", "openai-codex": "chatgpt",
        "openai_codex": "chatgpt", "codex": "chatgpt", "kimi": "moonshot", "gemini": "google", "claude": "anthropic",
        "aws": "bedrock", "grok": "xai", "dashscope": "qwen",
    ]

    public static func canonicalID(_ name: String) -> String {
        let lower = name.lowercased()
        return aliases[lower] ?? lower
    }

    /// The variables holding this provider's key, for API-key providers.
    public var keyVariables: [String] {
        if case .apiKey(let variables) = access { return variables }
        return []
    }

    private static func compatible(
        _ id: String, _ name: String, _ url: String, model: String, small: String?, variables: [String]? = nil
    ) -> ProviderProfile {
        ProviderProfile(
            id: id, displayName: name, wire: .openai,
            access: .apiKey(variables: variables ?? [id.uppercased() + "_API_KEY"]), baseURL: url,
            baseURLVariable: id.uppercased() + "_BASE_URL", defaultModel: model, smallModel: small)
    }
}
