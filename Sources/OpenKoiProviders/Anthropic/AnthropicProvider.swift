import OpenKoiCore

/// Anthropic's Messages API, streamed.
public struct AnthropicProvider: ModelProvider, CustomStringConvertible {
    public let id: String
    /// The API root without `/v1`, e.g. `https://api.anthropic.com`.
    public let baseURL: String
    private let apiKey: APIKey?
    /// An OAuth access token (Claude's CLI login), sent as `Authorization: Bearer` with the beta header
    /// that the Messages API requires for such tokens.
    private let bearerToken: APIKey?
    private let transport: any HTTPTransport

    public static let defaultBaseURL = "https://api.anthropic.com"
    public static let apiVersion = "2023-06-01"

    /// - Parameters:
    ///   - id: provider id used in `provider/model` and in errors.
    ///   - baseURL: API root; `/v1/messages` is appended.
    ///   - apiKey: sent as `x-api-key`.
    ///   - bearerToken: an OAuth token, sent instead of a key.
    ///   - transport: the HTTP client.
    public init(
        id: String = "anthropic", baseURL: String = AnthropicProvider.defaultBaseURL, apiKey: String?,
        bearerToken: String? = nil, transport: any HTTPTransport
    ) {
        self.id = id
        self.baseURL = baseURL
        self.apiKey = APIKey(apiKey)
        self.bearerToken = APIKey(bearerToken)
        self.transport = transport
    }

    public static let oauthBeta = "oauth-2025-04-20"

    private var secret: String? { apiKey?.value ?? bearerToken?.value }

    private func headers(accept: String) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [
            ("Accept", accept), ("User-Agent", "openkoi"), ("anthropic-version", Self.apiVersion),
        ]
        if let apiKey { headers.append(("x-api-key", apiKey.value)) }
        if let bearerToken {
            headers.append(("Authorization", "Bearer \(bearerToken.value)"))
            headers.append(("anthropic-beta", Self.oauthBeta))
        }
        return headers
    }

    public var description: String { "AnthropicProvider(\(id), \(baseURL))" }

    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        let http = HTTPRequest(
            method: "POST", url: endpoint(baseURL, "/v1/messages"),
            headers: headers(accept: "text/event-stream") + [("Content-Type", "application/json")],
            body: jsonBody(AnthropicRequestBody.make(request)))
        return chatEventStream(provider: id, secret: secret) { [id, transport, secret] emit in
            let response = try await transport.sendExpectingSuccess(http, provider: id, secret: secret)
            var decoder = AnthropicStreamDecoder(provider: id)
            try await decoder.decode(response, provider: id, emit: emit)
        }
    }

    /// The static catalog (§3.3); Anthropic's own model list needs no probe to pick a model.
    public func models() -> [ModelInfo] {
        ModelCatalog.anthropic
    }
}

extension AnthropicProvider: ModelListing {
    /// `GET /v1/models`: every model the key may use, enriched from the static catalog.
    public func listModels(timeout: Double) async throws -> [ModelInfo] {
        let request = HTTPRequest(
            url: endpoint(baseURL, "/v1/models?limit=1000"), headers: headers(accept: "application/json"),
            timeout: timeout, connectTimeout: timeout)
        do {
            let response = try await transport.sendExpectingSuccess(request, provider: id, secret: secret)
            guard let json = JSONValue.parse(try await response.collectBody()), let data = json["data"]?.arrayValue
            else { throw ProviderError.malformed(id, "the model list is not valid JSON") }
            return data.compactMap { entry in
                guard let model = entry["id"]?.stringValue else { return nil }
                return ModelCatalog.info(provider: "anthropic", model: model)
                    ?? ModelInfo(id: model, contextWindow: 200_000, maxOutputTokens: 8192)
            }
        } catch {
            throw ProviderError.normalize(error, provider: id, secret: secret)
        }
    }
}
