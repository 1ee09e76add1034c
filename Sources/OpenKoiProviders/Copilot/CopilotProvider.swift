import OpenKoiCore

/// GitHub Copilot's chat API: the OpenAI chat-completions format behind a session token that
/// `CopilotSessionTokens` keeps fresh, with the headers Copilot requires of an editor integration.
public struct CopilotProvider: ModelProvider, CustomStringConvertible {
    public let id = "copilot"
    public let sessions: CopilotSessionTokens
    private let transport: any HTTPTransport
    private let apiBaseURL: String?

    /// - Parameters:
    ///   - sessions: the session-token cache for the user's GitHub login.
    ///   - transport: the HTTP client.
    ///   - apiBaseURL: overrides the API host the token exchange names (a proxy, a test server).
    public init(sessions: CopilotSessionTokens, transport: any HTTPTransport, apiBaseURL: String? = nil) {
        self.sessions = sessions
        self.transport = transport
        self.apiBaseURL = apiBaseURL
    }

    /// A provider for the GitHub token `GitHubDeviceLogin` stored.
    /// - Parameter githubBaseURL: GitHub's API host, for the token exchange.
    public init(
        githubToken: String, githubBaseURL: String = CopilotSessionTokens.defaultBaseURL,
        transport: any HTTPTransport, apiBaseURL: String? = nil
    ) {
        self.init(
            sessions: CopilotSessionTokens(githubToken: githubToken, baseURL: githubBaseURL, transport: transport),
            transport: transport, apiBaseURL: apiBaseURL)
    }

    public var description: String { "CopilotProvider(\(apiBaseURL ?? "api from token exchange"))" }

    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        chatEventStream(provider: id, secret: nil) { [self] emit in
            var session = try await sessions.current()
            var renewed = false
            while true {
                var forwarded = false
                do {
                    for try await event in chat(session, request: request).stream(request) {
                        forwarded = true
                        emit(event)
                    }
                    return
                } catch let failure as ProviderError where failure.kind == .authentication && !forwarded && !renewed {
                    // Session tokens can be revoked before their stated expiry: one fresh exchange, one retry.
                    renewed = true
                    session = try await sessions.renew(after: session)
                }
            }
        }
    }

    /// The models the account may use (`GET <api>/models`), with Copilot's own limits; the static
    /// catalog when the list has no chat models. Tokens cost nothing extra on a subscription.
    public func models() async throws -> [ModelInfo] {
        try await models(timeout: 5)
    }

    func models(timeout: Double) async throws -> [ModelInfo] {
        let session = try await sessions.current()
        do {
            return try await listModels(session, timeout: timeout)
        } catch let failure as ProviderError where failure.kind == .authentication {
            return try await listModels(try await sessions.renew(after: session), timeout: timeout)
        }
    }

    /// The chat-completions adapter for one session: body, stream decoding and error classification are
    /// OpenAI's; only the host, the token and the headers are Copilot's.
    func chat(_ session: CopilotSession, request: ChatRequest) -> OpenAIChatProvider {
        OpenAIChatProvider(
            id: id, baseURL: apiBaseURL ?? session.apiBase, apiKey: session.token.value, transport: transport,
            extraHeaders: CopilotHeaders.chat(initiator: Self.initiator(of: request)))
    }

    /// `user` when the last message is the person's, `agent` when the call continues a tool loop.
    static func initiator(of request: ChatRequest) -> String {
        switch request.messages.last?.role {
        case .user?, nil: return "user"
        default: return "agent"
        }
    }

    private func listModels(_ session: CopilotSession, timeout: Double) async throws -> [ModelInfo] {
        let secret = session.token.value
        let request = HTTPRequest(
            url: endpoint(apiBaseURL ?? session.apiBase, "/models"),
            headers: [("Accept", "application/json"), ("User-Agent", "openkoi"), ("Authorization", "Bearer \(secret)")]
                + CopilotHeaders.api,
            timeout: timeout, connectTimeout: timeout)
        do {
            let response = try await transport.sendExpectingSuccess(request, provider: id, secret: secret)
            let body = try await response.collectBody()
            guard let json = JSONValue.parse(body) else {
                throw ProviderError.malformed(id, "the model list is not valid JSON: \(StreamedBody.preview(body))")
            }
            let listed = CopilotModelList.models(json)
            return listed.isEmpty ? ModelCatalog.copilot : listed
        } catch {
            throw ProviderError.normalize(error, provider: id, secret: secret)
        }
    }
}
