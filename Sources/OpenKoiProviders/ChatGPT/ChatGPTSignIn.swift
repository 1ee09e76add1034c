import OpenKoiCore

/// The sign-in a `ChatGPTProvider` calls with: the stored tokens, renewed when they have expired or a
/// call was refused, and saved once renewed so the next run starts with them.
///
/// An actor so that calls running at the same time share one renewal: the refresh token may rotate,
/// and a second refresh with the old one would be refused.
actor ChatGPTSignIn {
    private let store: any OAuthTokenStore
    private let login: OpenAIDeviceLogin
    private let provider: String
    private var renewal: Task<OAuthTokens, any Error>?

    init(store: any OAuthTokenStore, login: OpenAIDeviceLogin, provider: String) {
        self.store = store
        self.login = login
        self.provider = provider
    }

    /// Tokens to call with, renewed first if they have expired.
    func tokens() async throws -> OAuthTokens {
        guard let stored = store.tokens(for: provider) else {
            throw ProviderError(
                .notConfigured, provider: provider,
                message: "not signed in to ChatGPT: run `openkoi connect chatgpt` to sign in with your Plus/Pro plan")
        }
        return stored.isExpired(now: Int(login.now())) ? try await renew(stale: stored) : stored
    }

    /// Renews `stale`, unless a renewal is under way (its result is shared) or already replaced it.
    func renew(stale: OAuthTokens) async throws -> OAuthTokens {
        if let renewal { return try await renewal.value }
        if let current = store.tokens(for: provider), current.accessToken != stale.accessToken,
            !current.isExpired(now: Int(login.now()))
        {
            return current
        }
        let task = Task { [login, store, provider] in
            let fresh: OAuthTokens
            do {
                fresh = try await login.refresh(stale)
            } catch let error as OpenAILoginError {
                throw Self.providerError(error, provider: provider)
            }
            do {
                try store.save(fresh, for: provider)
            } catch {
                // The old refresh token may be spent already: say so rather than fail silently next run.
                throw ProviderError(
                    .notConfigured, provider: provider,
                    message: "renewed the ChatGPT sign-in but could not save it (\(error)); "
                        + "run `openkoi connect chatgpt` if the next run is refused")
            }
            return fresh
        }
        renewal = task
        defer { renewal = nil }
        return try await task.value
    }

    /// A refused renewal is an authentication error; a server failure keeps its status, so 5xx is retried.
    static func providerError(_ error: OpenAILoginError, provider: String) -> ProviderError {
        if error.kind == .reauthenticationRequired {
            return ProviderError(.authentication, provider: provider, message: error.message)
        }
        guard let status = error.status, status != 200 else {
            return ProviderError(.malformedResponse, provider: provider, message: error.message)
        }
        return ProviderError(.http(status: status), provider: provider, message: error.message)
    }
}
