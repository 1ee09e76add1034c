import FoundationEssentials
import OpenKoiCore

/// A ChatGPT Plus/Pro plan as a model provider: the Responses wire format at the ChatGPT backend Codex
/// uses (`https://chatgpt.com/backend-api/codex/responses`), signed in with `OpenAIDeviceLogin`.
///
/// The stored sign-in is renewed before a call when it has expired, and once more when the backend
/// refuses a call with 401 (the token was revoked or expired early); renewed tokens are saved to the store.
public struct ChatGPTProvider: ModelProvider, CustomStringConvertible {
    public static let defaultBaseURL = "https://chatgpt.com/backend-api/codex"

    public var id: String { "chatgpt" }
    /// The backend root; `/responses` is appended.
    public let baseURL: String
    private let signIn: ChatGPTSignIn
    private let transport: any HTTPTransport
    private let reasoningEffort: String?

    /// - Parameters:
    ///   - store: where the sign-in is kept (`auth.json` in the CLI), under the id `chatgpt`.
    ///   - login: renews the tokens (its clock also decides when they have expired).
    ///   - baseURL: the backend root; tests point it at a loopback fake.
    ///   - transport: the HTTP client.
    ///   - reasoningEffort: `reasoning.effort` (`low`, `medium`, `high`); `nil` leaves the model's default.
    public init(
        store: any OAuthTokenStore, login: OpenAIDeviceLogin, baseURL: String = ChatGPTProvider.defaultBaseURL,
        transport: any HTTPTransport, reasoningEffort: String? = nil
    ) {
        self.baseURL = baseURL
        self.transport = transport
        self.reasoningEffort = reasoningEffort
        signIn = ChatGPTSignIn(store: store, login: login, provider: "chatgpt")
    }

    public var description: String { "ChatGPTProvider(\(baseURL))" }

    /// The static catalog: the backend has no model list a plan can read.
    public func models() -> [ModelInfo] {
        ModelCatalog.chatGPT
    }

    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        // The backend refuses `max_output_tokens`; it keeps its own limit.
        let body = jsonBody(
            OpenAIResponsesRequestBody.make(request, reasoningEffort: reasoningEffort, sendsOutputLimit: false))
        return chatEventStream(provider: id, secret: nil) { [self] emit in
            var tokens = try await signIn.tokens()
            var renewed = false
            do {
                while true {
                    let response = try await transport.send(http(body: body, tokens: tokens))
                    if response.head.status == 401, !renewed {
                        _ = try? await response.collectBody(limit: 64 << 10)
                        tokens = try await signIn.renew(stale: tokens)
                        renewed = true
                        continue
                    }
                    try await check(response, tokens: tokens)
                    var decoder = OpenAIResponsesStreamDecoder(provider: id)
                    try await decoder.decode(response, provider: id, emit: emit)
                    return
                }
            } catch {
                throw ProviderError.normalize(error, provider: id, secret: tokens.accessToken)
            }
        }
    }

    private func http(body: Data, tokens: OAuthTokens) -> HTTPRequest {
        var headers: [(name: String, value: String)] = [
            ("Accept", "text/event-stream"), ("Content-Type", "application/json"), ("User-Agent", "openkoi"),
            ("Authorization", "Bearer \(tokens.accessToken)"), ("originator", "openkoi"),
            // Codex sends it to the backend on every Responses call.
            ("OpenAI-Beta", "responses=experimental"),
        ]
        if let account = tokens.extra["account_id"]
            ?? OpenAIDeviceLogin.accountID(idToken: nil, accessToken: tokens.accessToken)
        {
            headers.append(("ChatGPT-Account-Id", account))
        }
        return HTTPRequest(method: "POST", url: endpoint(baseURL, "/responses"), headers: headers, body: body)
    }

    /// Throws a non-2xx answer classified the backend's way.
    private func check(_ response: HTTPStreamingResponse, tokens: OAuthTokens) async throws {
        guard !(200..<300).contains(response.head.status) else { return }
        let data = (try? await response.collectBody(limit: 64 << 10)) ?? Data()
        throw ChatGPTBackendError.classify(
            status: response.head.status, headers: response.head.headers, body: data, provider: id,
            secret: tokens.accessToken)
    }
}
