import OpenKoiCore

/// Decides which provider and model answer a run: from `-m provider/model`, a bare model name, or,
/// with no flag, by detecting what this machine has (keys, config, local servers).
///
/// Probing local servers costs up to `probeTimeout` each, so it happens only in `resolve`, i.e. only
/// for commands that need a model.
public struct ProviderResolver: Sendable {
    public static let defaultAnthropicModel = "claude-sonnet-4-20250514"
    public static let defaultOpenAIModel = "gpt-4.1"
    public static let defaultLocalBaseURL = "http://127.0.0.1:8080/v1"
    static let builtInIDs = ["anthropic", "openai", "ollama", "local"]

    private let environment: [String: String]
    private let customProviders: [CustomProviderSpec]
    private let transport: any HTTPTransport
    private let probeTimeout: Double
    private let localStarter: (@Sendable () async -> Bool)?

    /// - Parameters:
    ///   - environment: process environment (keys and base-URL overrides are read from it).
    ///   - customProviders: the config's `[providers.<id>]` tables, in config order.
    ///   - transport: the HTTP client for providers and probes.
    ///   - probeTimeout: seconds allowed for each local-server probe.
    ///   - localStarter: starts the bundled local model when it is installed but not running; tried
    ///     only when nothing else was found (or `local` was named) and it is down. Returns whether it came up.
    public init(
        environment: [String: String], customProviders: [CustomProviderSpec] = [], transport: any HTTPTransport,
        probeTimeout: Double = 1, localStarter: (@Sendable () async -> Bool)? = nil
    ) {
        self.environment = environment
        // A config table cannot shadow a built-in provider (reference §3.6), and the first of a duplicate id wins.
        var seen = Set(Self.builtInIDs)
        self.customProviders = customProviders.filter { seen.insert($0.id).inserted }
        self.transport = transport
        self.probeTimeout = probeTimeout
        self.localStarter = localStarter
    }

    /// Every id accepted before the `/` of `-m`.
    public var knownProviderIDs: [String] { Self.builtInIDs + customProviders.map(\.id) }

    /// Resolves `-m` (`provider/model`, a bare model, or `nil` to auto-detect).
    public func resolve(model spec: String?) async throws -> ResolvedModel {
        guard let spec = spec?.trimmed, !spec.isEmpty, spec != "auto" else {
            return try await detect()
        }
        var ref = ModelRef(parsing: spec)
        // `-m ollama` names a provider, not a model called "ollama".
        if ref.provider.isEmpty, knownProviderIDs.contains(ref.model) { ref = ModelRef(provider: ref.model, model: "") }
        if ref.provider.isEmpty {
            if let family = Self.vendor(ofModel: ref.model), hasKey(for: family) {
                return ResolvedModel(provider: try provider(id: family), model: ref.model)
            }
            let detected = try await detect()
            return ResolvedModel(provider: detected.provider, model: ref.model)
        }
        guard knownProviderIDs.contains(ref.provider) else {
            throw ProviderError(
                .notConfigured, provider: ref.provider,
                message: "unknown provider '\(ref.provider)' in '\(spec)'. Known providers: "
                    + knownProviderIDs.joined(separator: ", ")
                    + ". Add others as a [providers.<id>] table with base_url in config.toml.")
        }
        let provider = try provider(id: ref.provider)
        if ref.provider == "local", let localStarter, await probe({ try await defaultModel(for: provider) }) == nil {
            _ = await localStarter()  // named explicitly but down: start it if it is installed
        }
        if !ref.model.isEmpty, ref.model != "auto" { return ResolvedModel(provider: provider, model: ref.model) }
        guard let model = try await defaultModel(for: provider) else {
            throw ProviderError(
                .notConfigured, provider: ref.provider,
                message:
                    "no model given and none could be found at \(ref.provider); name one: -m \(ref.provider)/<model>")
        }
        return ResolvedModel(provider: provider, model: model)
    }

    /// Builds the provider for `id` without any network traffic.
    public func provider(id: String) throws -> any ModelProvider {
        switch id {
        case "anthropic":
            guard let key = value("ANTHROPIC_API_KEY") else { throw missingKey(id, variable: "ANTHROPIC_API_KEY") }
            return AnthropicProvider(
                baseURL: value("ANTHROPIC_BASE_URL") ?? AnthropicProvider.defaultBaseURL, apiKey: key,
                transport: transport)
        case "openai":
            guard let key = value("OPENAI_API_KEY") else { throw missingKey(id, variable: "OPENAI_API_KEY") }
            return OpenAIChatProvider(
                baseURL: value("OPENAI_BASE_URL") ?? OpenAIChatProvider.defaultBaseURL, apiKey: key,
                transport: transport)
        case "ollama":
            return OllamaProvider(baseURL: Self.ollamaBaseURL(fromHost: value("OLLAMA_HOST")), transport: transport)
        case "local":
            return OpenAIChatProvider(
                id: "local", baseURL: value("OPENKOI_LOCAL_BASE_URL") ?? Self.defaultLocalBaseURL, apiKey: nil,
                transport: transport)
        default:
            guard let spec = customProviders.first(where: { $0.id == id }) else {
                throw ProviderError(
                    .notConfigured, provider: id,
                    message: "unknown provider '\(id)'. Known providers: " + knownProviderIDs.joined(separator: ", "))
            }
            // A keyless custom host is legitimate (a LAN vLLM); the reference silently dropped it.
            return OpenAIChatProvider(
                id: spec.id, baseURL: spec.baseURL, apiKey: spec.apiKeyEnv.flatMap(value), transport: transport)
        }
    }

    /// Auto-detection order: Anthropic key, OpenAI key, configured providers, Ollama, the local server.
    private func detect() async throws -> ResolvedModel {
        if hasKey(for: "anthropic") {
            return ResolvedModel(provider: try provider(id: "anthropic"), model: Self.defaultAnthropicModel)
        }
        if hasKey(for: "openai") {
            return ResolvedModel(provider: try provider(id: "openai"), model: Self.defaultOpenAIModel)
        }
        for spec in customProviders {
            let provider = try provider(id: spec.id)
            if let model = try? await defaultModel(for: provider) {
                return ResolvedModel(provider: provider, model: model)
            }
        }
        // Both local probes run at once so a machine with neither server waits one timeout, not two.
        async let ollama = probe { try await defaultModel(for: provider(id: "ollama")) }
        async let local = probe { try await defaultModel(for: provider(id: "local")) }
        let (ollamaModel, localModel) = await (ollama, local)
        if let ollamaModel { return ResolvedModel(provider: try provider(id: "ollama"), model: ollamaModel) }
        if let localModel { return ResolvedModel(provider: try provider(id: "local"), model: localModel) }
        // Nothing configured, nothing running: start the bundled model if it is installed.
        if customProviders.isEmpty, let localStarter, await localStarter(),
            let model = await probe({ try await defaultModel(for: provider(id: "local")) })
        {
            return ResolvedModel(provider: try provider(id: "local"), model: model)
        }
        throw ProviderError(.notConfigured, provider: "", message: Self.setupInstructions)
    }

    /// The model to use when only a provider is named; may probe the server.
    private func defaultModel(for provider: any ModelProvider) async throws -> String? {
        switch provider {
        case is AnthropicProvider: return Self.defaultAnthropicModel
        case let ollama as OllamaProvider:
            return OllamaProvider.preferredModel(among: try await ollama.models(timeout: probeTimeout).map(\.id))
        case let openAI as OpenAIChatProvider:
            if openAI.id == "openai" { return Self.defaultOpenAIModel }
            if let configured = customProviders.first(where: { $0.id == openAI.id })?.defaultModel,
                !configured.isEmpty, configured != "auto"
            {
                return configured
            }
            return try await openAI.models(timeout: probeTimeout).first?.id
        default: return nil
        }
    }

    private func probe(_ body: @Sendable () async throws -> String?) async -> String? {
        (try? await body()) ?? nil
    }

    static let setupInstructions = """
        no model provider found. Set one up with any of:
          export ANTHROPIC_API_KEY=...      (Anthropic; uses \(defaultAnthropicModel))
          export OPENAI_API_KEY=...         (OpenAI; uses \(defaultOpenAIModel))
          start Ollama (ollama serve) and pull a model (ollama pull qwen2.5-coder)
          scripts/local-model/start.sh      (the bundled local model, served at 127.0.0.1:8080)
        or add a [providers.<id>] table with base_url to config.toml. Then choose with -m provider/model.
        """

    /// Which built-in provider a bare model name belongs to, judged by its vendor prefix.
    static func vendor(ofModel model: String) -> String? {
        let name = model.lowercased()
        if name.hasPrefix("claude") { return "anthropic" }
        if ["gpt-", "o1", "o3", "o4", "chatgpt"].contains(where: { name.hasPrefix($0) }) { return "openai" }
        return nil
    }

    /// `OLLAMA_HOST` may be `host`, `host:port` or a URL, and `0.0.0.0` (a bind address) means this machine.
    static func ollamaBaseURL(fromHost host: String?) -> String {
        guard var text = host?.trimmed, !text.isEmpty else { return OllamaProvider.defaultBaseURL }
        if !text.contains("://") { text = "http://" + text }
        text = text.replacing("://0.0.0.0", with: "://127.0.0.1")
        let authority = text.split(separator: "://", maxSplits: 1).last.map(String.init) ?? text
        let hostPart = authority.split(separator: "/", maxSplits: 1).first.map(String.init) ?? authority
        // A bracketed IPv6 literal contains colons; only a colon after the bracket is a port.
        let hasPort = hostPart.hasPrefix("[") ? hostPart.contains("]:") : hostPart.contains(":")
        if !hasPort {
            let scheme = text.split(separator: "://", maxSplits: 1).first.map(String.init) ?? "http"
            let path = authority.dropFirst(hostPart.count)
            text = "\(scheme)://\(hostPart):11434\(path)"
        }
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    private func hasKey(for provider: String) -> Bool {
        switch provider {
        case "anthropic": return value("ANTHROPIC_API_KEY") != nil
        case "openai": return value("OPENAI_API_KEY") != nil
        default: return false
        }
    }

    /// Blank variables count as unset: `export OPENAI_API_KEY=` should not select OpenAI.
    private func value(_ name: String) -> String? {
        guard let text = environment[name]?.trimmed, !text.isEmpty else { return nil }
        return text
    }

    private func missingKey(_ provider: String, variable: String) -> ProviderError {
        ProviderError(
            .notConfigured, provider: provider,
            message: "\(variable) is not set; export \(variable)=... to use \(provider)")
    }
}
