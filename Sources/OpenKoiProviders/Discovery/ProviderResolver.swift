import OpenKoiCore

/// Decides which provider and model answer a run: from `-m provider/model`, a bare model id, or,
/// with no flag, by detecting what this machine has (logins, keys, config, local servers).
///
/// Credentials are read from the environment and files only; the network is touched only by
/// `resolve` (model lists, local probes), i.e. only for commands that need a model, and model lists
/// come from the hour-long cache when it has them.
public struct ProviderResolver: Sendable {
    public static let defaultLocalBaseURL = "http://127.0.0.1:8080/v1"
    public static var defaultAnthropicModel: String { ProviderProfile.builtIn("anthropic")?.defaultModel ?? "" }
    public static var defaultOpenAIModel: String { ProviderProfile.builtIn("openai")?.defaultModel ?? "" }

    let environment: [String: String]
    /// Built-in profiles with their config overrides applied, then the config's own hosts.
    let profiles: [ProviderProfile]
    let tables: [String: CustomProviderSpec]
    let credentials: CredentialFinder?
    let transport: any HTTPTransport
    let probeTimeout: Double
    let localStarter: (@Sendable () async -> Bool)?
    let modelCache: ModelListCache?
    let logins: LoginServices

    /// - Parameters:
    ///   - environment: process environment (keys and base-URL overrides are read from it).
    ///   - customProviders: the config's `[providers.<id>]` tables, in config order.
    ///   - credentials: reads `auth.json`, CLI logins and key files; `nil` reads the environment only.
    ///   - transport: the HTTP client for providers and probes.
    ///   - probeTimeout: seconds allowed for each model-list probe.
    ///   - modelCache: where model lists are kept for an hour; `nil` probes every time.
    ///   - logins: the endpoints and store used by login providers (Copilot, ChatGPT).
    ///   - localStarter: starts the bundled local model when it is installed but not running; tried
    ///     only when nothing else was found (or `local` was named) and it is down. Returns whether it came up.
    public init(
        environment: [String: String], customProviders: [CustomProviderSpec] = [],
        credentials: CredentialFinder? = nil, transport: any HTTPTransport, probeTimeout: Double = 1,
        modelCache: ModelListCache? = nil, logins: LoginServices = LoginServices(),
        localStarter: (@Sendable () async -> Bool)? = nil
    ) {
        self.environment = environment
        self.credentials = credentials
        self.transport = transport
        self.probeTimeout = probeTimeout
        self.modelCache = modelCache
        self.logins = logins
        self.localStarter = localStarter
        var tables: [String: CustomProviderSpec] = [:]
        for spec in customProviders where tables[spec.id] == nil { tables[spec.id] = spec }  // first one wins
        self.tables = tables
        var profiles = ProviderProfile.builtIn.map { Self.applying(tables[$0.id], to: $0, environment: environment) }
        for spec in customProviders where ProviderProfile.builtIn(spec.id) == nil && !spec.baseURL.isEmpty {
            guard !profiles.contains(where: { $0.id == spec.id }) else { continue }
            profiles.append(
                ProviderProfile(
                    id: spec.id, displayName: spec.displayName ?? spec.id, wire: spec.kind ?? .openai,
                    access: .apiKey(variables: spec.apiKeyEnv.map { [$0] } ?? []), baseURL: spec.baseURL,
                    defaultModel: spec.defaultModel ?? "auto"))
        }
        self.profiles = profiles
    }

    /// Every id accepted before the `/` of `-m`.
    public var knownProviderIDs: [String] { profiles.map(\.id) }

    public func profile(_ id: String) -> ProviderProfile? {
        profiles.first { $0.id == ProviderProfile.canonicalID(id) }
    }

    /// Whether `profile` came from a config table rather than the built-in list.
    func isConfigured(_ profile: ProviderProfile) -> Bool { ProviderProfile.builtIn(profile.id) == nil }

    /// Resolves `-m` (`provider/model`, a bare model, or `nil` to auto-detect).
    public func resolve(model spec: String?) async throws -> ResolvedModel {
        guard let spec = spec?.trimmed, !spec.isEmpty, spec != "auto" else {
            return try await detect()
        }
        var ref = ModelRef(parsing: spec)
        // `-m ollama` names a provider, not a model called "ollama".
        if ref.provider.isEmpty, profile(ref.model) != nil { ref = ModelRef(provider: ref.model, model: "") }
        if ref.provider.isEmpty { return try await resolveBare(ref.model) }
        guard let profile = profile(ref.provider) else {
            throw ProviderError(
                .notConfigured, provider: ref.provider,
                message: "unknown provider '\(ref.provider)' in '\(spec)'. Known providers: "
                    + knownProviderIDs.joined(separator: ", ")
                    + ". Add others as a [providers.<id>] table with base_url in config.toml.")
        }
        let provider = try provider(id: profile.id)
        if profile.id == "local", let localStarter, await probe({ try await liveModels(profile) }) == nil {
            _ = await localStarter()  // named explicitly but down: start it if it is installed
        }
        let model = ref.model.isEmpty || ref.model == "auto" ? nil : ref.model
        return try await resolved(provider: provider, profile: profile, model: model)
    }

    /// A bare model id: the provider its vendor prefix or a known list names, among those available;
    /// else the detected default provider, checked against its list.
    private func resolveBare(_ model: String) async throws -> ResolvedModel {
        let available = availableProfiles()
        if let vendor = Self.vendor(ofModel: model), let profile = available.first(where: { $0.id == vendor }) {
            return try await resolved(provider: provider(id: profile.id), profile: profile, model: model)
        }
        for profile in available {
            let known =
                (modelCache?.models(for: profile.id, baseURL: profile.baseURL) ?? [])
                + ModelCatalog.catalog(for: profile.id)
            if known.contains(where: { $0.id == model }) {
                return try await resolved(provider: provider(id: profile.id), profile: profile, model: model)
            }
        }
        let detected = try await detect()
        guard let profile = profile(detected.provider.id) else { return detected }
        return try await resolved(provider: detected.provider, profile: profile, model: model)
    }

    /// Auto-detection: logins and keys in the profiles' priority order, configured hosts, Ollama,
    /// the local server, and last the bundled model if it is installed but stopped.
    private func detect() async throws -> ResolvedModel {
        if let profile = availableProfiles().first {
            return try await resolved(provider: provider(id: profile.id), profile: profile, model: nil)
        }
        for profile in profiles where isConfigured(profile) {
            let provider = try provider(id: profile.id)
            if let found = try? await resolved(provider: provider, profile: profile, model: nil) { return found }
        }
        // Both local probes run at once so a machine with neither server waits one timeout, not two.
        guard let ollama = profile("ollama"), let local = profile("local") else { throw nothingFound() }
        async let ollamaModels = probe { try await liveModels(ollama) }
        async let localModels = probe { try await liveModels(local) }
        let (fromOllama, fromLocal) = await (ollamaModels, localModels)
        if let fromOllama, let best = OllamaProvider.preferredModel(among: fromOllama.map(\.id)) {
            return ResolvedModel(
                provider: try provider(id: "ollama"), model: best, info: fromOllama.first { $0.id == best })
        }
        if let first = fromLocal?.first {
            return ResolvedModel(provider: try provider(id: "local"), model: first.id, info: first)
        }
        // Nothing configured, nothing running: start the bundled model if it is installed.
        if !profiles.contains(where: isConfigured), let localStarter, await localStarter(),
            let first = await probe({ try await liveModels(local) })?.first
        {
            return ResolvedModel(provider: try provider(id: "local"), model: first.id, info: first)
        }
        throw nothingFound()
    }

    /// Built-in providers with credentials on this machine, in priority order (no network).
    public func availableProfiles() -> [ProviderProfile] {
        profiles.filter { !isConfigured($0) && hasCredential($0) }
    }

    func hasCredential(_ profile: ProviderProfile) -> Bool {
        switch profile.access {
        case .none: return false
        default: return credential(for: profile) != nil
        }
    }

    /// The credential for `profile` (its config table's `api_key_env` first).
    public func credential(for profile: ProviderProfile) -> Credential? {
        let finder = credentials ?? CredentialFinder(environment: environment, paths: nil)
        return finder.credential(for: profile, extraVariable: tables[profile.id]?.apiKeyEnv)
    }

    func probe<T: Sendable>(_ body: @Sendable () async throws -> T?) async -> T? {
        (try? await body()) ?? nil
    }

    private func nothingFound() -> ProviderError {
        ProviderError(.notConfigured, provider: "", message: Self.setupInstructions)
    }

    static let setupInstructions = """
        no model provider found. Set one up with any of:
          export ANTHROPIC_API_KEY=...      (Anthropic; uses \(defaultAnthropicModel))
          export OPENAI_API_KEY=...         (OpenAI; uses \(defaultOpenAIModel))
          export GOOGLE_API_KEY=...         (Gemini), GROQ_API_KEY, OPENROUTER_API_KEY, DEEPSEEK_API_KEY, ...
          openkoi connect copilot | chatgpt (log in with a subscription)
          start Ollama (ollama serve) and pull a model (ollama pull qwen2.5-coder)
          scripts/local-model/start.sh      (the bundled local model, served at 127.0.0.1:8080)
        or add a [providers.<id>] table with base_url to config.toml. Then choose with -m provider/model.
        """

    /// Which built-in provider a bare model name belongs to, judged by its vendor prefix.
    static func vendor(ofModel model: String) -> String? {
        let name = model.lowercased()
        if name.hasPrefix("claude") { return "anthropic" }
        if ["gpt-", "o1", "o3", "o4", "chatgpt"].contains(where: { name.hasPrefix($0) }) { return "openai" }
        if name.hasPrefix("gemini") { return "google" }
        if name.hasPrefix("grok") { return "xai" }
        if name.hasPrefix("deepseek") { return "deepseek" }
        if name.hasPrefix("kimi") || name.hasPrefix("moonshot") { return "moonshot" }
        if name.hasPrefix("anthropic.") || name.hasPrefix("amazon.") || name.hasPrefix("meta.") { return "bedrock" }
        return nil
    }

    /// Applies a config table's `base_url`, `api_key_env` and `default_model` to a built-in profile;
    /// the SDK's base-URL variable (`OPENAI_BASE_URL`, `OLLAMA_HOST`, …) wins over both.
    static func applying(
        _ table: CustomProviderSpec?, to builtIn: ProviderProfile, environment: [String: String]
    ) -> ProviderProfile {
        var profile = builtIn
        if let table {
            if !table.baseURL.isEmpty { profile.baseURL = table.baseURL }
            if let model = table.defaultModel, !model.isEmpty, model != "auto" { profile.defaultModel = model }
            if let name = table.displayName { profile.displayName = name }
            if let kind = table.kind { profile.wire = kind }
        }
        if profile.id == "bedrock", let model = environment["BEDROCK_DEFAULT_MODEL"]?.trimmed, !model.isEmpty {
            profile.defaultModel = model
        }
        if let variable = profile.baseURLVariable, let value = environment[variable]?.trimmed, !value.isEmpty {
            profile.baseURL = profile.id == "ollama" ? ollamaBaseURL(fromHost: value) : value
        }
        return profile
    }

    /// The user named this provider's address: its base-URL variable, or `base_url` in its table.
    func isPointedAt(_ profile: ProviderProfile) -> Bool {
        if let variable = profile.baseURLVariable, environment[variable]?.trimmed.isEmpty == false { return true }
        return tables[profile.id].map { !$0.baseURL.isEmpty } ?? false
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
}
