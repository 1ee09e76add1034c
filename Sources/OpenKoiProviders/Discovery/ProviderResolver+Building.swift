import OpenKoiCore

/// A provider that can list its models (`/models`, `/api/tags`, …); `timeout` bounds the probe.
public protocol ModelListing: ModelProvider {
    func listModels(timeout: Double) async throws -> [ModelInfo]
}

/// What login providers need: where refreshed tokens are saved, and the OpenAI sign-in server
/// (`OPENKOI_OPENAI_AUTH_URL` points it at a test server).
public struct LoginServices: Sendable {
    public var store: (any OAuthTokenStore)?
    public var openAIAuthBaseURL: String

    public init(store: (any OAuthTokenStore)? = nil, openAIAuthBaseURL: String? = nil) {
        self.store = store
        self.openAIAuthBaseURL = openAIAuthBaseURL ?? OpenAIDeviceLogin.defaultAuthBaseURL
    }

    public func openAILogin(transport: any HTTPTransport) -> OpenAIDeviceLogin {
        OpenAIDeviceLogin(authBaseURL: openAIAuthBaseURL, transport: transport)
    }
}

extension ProviderResolver {
    /// Builds the provider for `id` without any network traffic.
    public func provider(id: String) throws -> any ModelProvider {
        guard let profile = profile(id) else {
            throw ProviderError(
                .notConfigured, provider: id,
                message: "unknown provider '\(id)'. Known providers: " + knownProviderIDs.joined(separator: ", "))
        }
        let credential = credential(for: profile)
        if credential == nil, !isConfigured(profile) { try requireCredential(profile) }
        let key: String?
        var bearer = false
        switch credential?.secret {
        case .apiKey(let value): key = value
        case .bearer(let value):
            key = value
            bearer = true
        default: key = nil
        }
        let base = credential?.baseURL ?? profile.baseURL
        if profile.id == "copilot", case .login(let tokens)? = credential?.secret {
            let builtIn = ProviderProfile.builtIn("copilot")?.baseURL
            return CopilotProvider(
                githubToken: tokens.accessToken,
                githubBaseURL: environment["GITHUB_API_URL"].flatMap { $0.isEmpty ? nil : $0 }
                    ?? CopilotSessionTokens.defaultBaseURL,
                transport: transport, apiBaseURL: base == builtIn ? nil : base)
        }
        if profile.id == "chatgpt", case .login? = credential?.secret {
            return ChatGPTProvider(
                store: logins.store ?? InMemoryTokenStore(), login: logins.openAILogin(transport: transport),
                baseURL: base, transport: transport)
        }
        switch profile.wire {
        case .anthropic:
            return AnthropicProvider(
                id: profile.id, baseURL: base, apiKey: bearer ? nil : key, bearerToken: bearer ? key : nil,
                transport: transport)
        case .ollama:
            return OllamaProvider(id: profile.id, baseURL: base, transport: transport)
        case .gemini:
            return GeminiProvider(id: profile.id, baseURL: base, apiKey: key, transport: transport)
        case .bedrock:
            guard let bedrock = BedrockProvider.fromEnvironment(environment, transport: transport) else {
                try requireCredential(ProviderProfile.builtIn("bedrock") ?? profile)
                throw ProviderError(.notConfigured, provider: profile.id, message: "AWS credentials are incomplete")
            }
            return bedrock
        case .openaiResponses:
            return OpenAIResponsesProvider(id: profile.id, baseURL: base, apiKey: key, transport: transport)
        case .openai:
            return OpenAIChatProvider(id: profile.id, baseURL: base, apiKey: key, transport: transport)
        }
    }

    /// Throws the error that says how to give `profile` its credentials.
    private func requireCredential(_ profile: ProviderProfile) throws {
        // A login or key may be in an auth.json that cannot be read: say so rather than "not logged in".
        if profile.access != .none, profile.access != .aws, let store = credentials?.authStore {
            do {
                try store.check()
            } catch {
                throw ProviderError(.notConfigured, provider: profile.id, message: "\(error)")
            }
        }
        switch profile.access {
        case .none: return
        case .login:
            throw ProviderError(
                .notConfigured, provider: profile.id,
                message: "not logged in to \(profile.displayName); run `openkoi connect \(profile.id)`")
        case .aws:
            throw ProviderError(
                .notConfigured, provider: profile.id,
                message: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set; export them (and AWS_REGION) "
                    + "to use \(profile.displayName)")
        case .apiKey(let variables):
            let variable = tables[profile.id]?.apiKeyEnv ?? variables.first ?? "\(profile.id.uppercased())_API_KEY"
            throw ProviderError(
                .notConfigured, provider: profile.id,
                message: "\(variable) is not set; export \(variable)=... or run `openkoi connect \(profile.id)` "
                    + "to use \(profile.displayName)")
        }
    }

    /// The provider's model (the named one, checked against its list when the list can be had; else its
    /// default) with what is known about it.
    func resolved(provider: any ModelProvider, profile: ProviderProfile, model: String?) async throws -> ResolvedModel {
        let catalog = ModelCatalog.catalog(for: profile.id)
        guard let model else {
            if profile.defaultModel != "auto", !profile.defaultModel.isEmpty {
                let listed = catalog.contains { $0.id == profile.defaultModel } ? nil : await modelList(profile)
                return ResolvedModel(
                    provider: provider, model: profile.defaultModel,
                    info: info(profile.defaultModel, listed: listed, catalog: catalog))
            }
            let listed = await modelList(profile) ?? []
            let ids = listed.map(\.id)
            let choice = profile.wire == .ollama ? OllamaProvider.preferredModel(among: ids) : ids.first
            guard let choice else {
                throw ProviderError(
                    .notConfigured, provider: profile.id,
                    message:
                        "no model given and none could be found at \(profile.id); name one: -m \(profile.id)/<model>")
            }
            return ResolvedModel(
                provider: provider, model: choice, info: info(choice, listed: listed, catalog: catalog))
        }
        // A model in the static catalog is known to exist. Hosted APIs' lists are checked (and cached);
        // a local or configured server decides itself what a name means (llama.cpp serves any name).
        if catalog.contains(where: { $0.id == model }) || profile.access == .none || isConfigured(profile) {
            let listed = profile.access == .none ? nil : modelCache?.models(for: profile.id, baseURL: profile.baseURL)
            return ResolvedModel(provider: provider, model: model, info: info(model, listed: listed, catalog: catalog))
        }
        guard let listed = await modelList(profile), !listed.isEmpty else {
            return ResolvedModel(provider: provider, model: model, info: nil)  // cannot check: the server decides
        }
        let ids = listed.map(\.id) + catalog.map(\.id).filter { id in !listed.contains { $0.id == id } }
        switch ModelMatcher.match(model, in: ids) {
        case .exact(let id):
            return ResolvedModel(provider: provider, model: id, info: info(id, listed: listed, catalog: catalog))
        case .corrected(let id):
            return ResolvedModel(
                provider: provider, model: id, info: info(id, listed: listed, catalog: catalog), correctedFrom: model)
        case .unknown(let suggestions):
            let hint = suggestions.isEmpty ? "" : " Did you mean: \(suggestions.joined(separator: ", "))?"
            throw ProviderError(
                .notConfigured, provider: profile.id,
                message: "model '\(model)' not found in \(profile.displayName) (\(ids.count) models available).\(hint) "
                    + "List them with `openkoi models --provider \(profile.id)`.")
        }
    }

    private func info(_ model: String, listed: [ModelInfo]?, catalog: [ModelInfo]) -> ModelInfo? {
        let known = catalog.first { $0.id == model }
        guard var found = listed?.first(where: { $0.id == model }) else { return known }
        if found.pricing == nil { found.pricing = known?.pricing }
        return found
    }

    /// The provider's model list: from the cache when fresh, else probed (and cached); `nil` when it
    /// cannot be had.
    public func modelList(_ profile: ProviderProfile, refresh: Bool = false) async -> [ModelInfo]? {
        if !refresh, let cached = modelCache?.models(for: profile.id, baseURL: profile.baseURL) { return cached }
        return await probe { try await liveModels(profile) }
    }

    /// The model list with its failure: from the cache unless `refresh`, else probed (and cached).
    /// `nil` when the provider cannot list models at all.
    public func listedModels(_ profile: ProviderProfile, refresh: Bool) async throws -> [ModelInfo]? {
        if !refresh, let cached = modelCache?.models(for: profile.id, baseURL: profile.baseURL) { return cached }
        return try await liveModels(profile)
    }

    /// Asks the provider for its models now; local servers are not cached (they change with a restart).
    func liveModels(_ profile: ProviderProfile) async throws -> [ModelInfo]? {
        guard let lister = try provider(id: profile.id) as? any ModelListing else { return nil }
        // A local server we only guess at answers at once or not at all (a refused port fails
        // at once either way); one the user pointed at (OLLAMA_HOST, OPENKOI_LOCAL_BASE_URL) may be
        // busy generating for another task, and a hosted API's list may take seconds (the reference
        // allowed 5): a list that times out would let a typo through, or lose the only provider.
        let guessed = profile.access == .none && !isPointedAt(profile)
        let models = try await lister.listModels(timeout: guessed ? probeTimeout : max(probeTimeout, 5))
        if profile.access != .none { modelCache?.store(models, for: profile.id, baseURL: profile.baseURL) }
        return models
    }
}

extension OpenAIChatProvider: ModelListing {
    public func listModels(timeout: Double) async throws -> [ModelInfo] { try await models(timeout: timeout) }
}

extension GeminiProvider: ModelListing {
    public func listModels(timeout: Double) async throws -> [ModelInfo] { try await models() }
}

extension BedrockProvider: ModelListing {
    public func listModels(timeout: Double) async throws -> [ModelInfo] { try await models() }
}

extension ChatGPTProvider: ModelListing {
    public func listModels(timeout: Double) async throws -> [ModelInfo] { models() }
}

extension CopilotProvider: ModelListing {
    public func listModels(timeout: Double) async throws -> [ModelInfo] { try await models() }
}

extension OllamaProvider: ModelListing {
    public func listModels(timeout: Double) async throws -> [ModelInfo] { try await models(timeout: timeout) }
}
