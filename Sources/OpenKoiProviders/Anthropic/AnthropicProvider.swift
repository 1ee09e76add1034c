import OpenKoiCore

/// Anthropic's Messages API, streamed.
public struct AnthropicProvider: ModelProvider, CustomStringConvertible {
    public let id: String
    /// The API root without `/v1`, e.g. `https://api.anthropic.com`.
    public let baseURL: String
    private let apiKey: APIKey?
    private let transport: any HTTPTransport

    public static let defaultBaseURL = "https://api.anthropic.com"
    public static let apiVersion = "2023-06-01"

    /// - Parameters:
    ///   - id: provider id used in `provider/model` and in errors.
    ///   - baseURL: API root; `/v1/messages` is appended.
    ///   - apiKey: sent as `x-api-key`.
    ///   - transport: the HTTP client.
    public init(
        id: String = "anthropic", baseURL: String = AnthropicProvider.defaultBaseURL, apiKey: String?,
        transport: any HTTPTransport
    ) {
        self.id = id
        self.baseURL = baseURL
        self.apiKey = APIKey(apiKey)
        self.transport = transport
    }

    public var description: String { "AnthropicProvider(\(id), \(baseURL))" }

    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        var headers: [(name: String, value: String)] = [
            ("Accept", "text/event-stream"), ("Content-Type", "application/json"), ("User-Agent", "openkoi"),
            ("anthropic-version", Self.apiVersion),
        ]
        if let apiKey { headers.append(("x-api-key", apiKey.value)) }
        let http = HTTPRequest(
            method: "POST", url: endpoint(baseURL, "/v1/messages"), headers: headers,
            body: jsonBody(AnthropicRequestBody.make(request)))
        return chatEventStream(provider: id, secret: apiKey?.value) { [id, transport, apiKey] emit in
            let response = try await transport.sendExpectingSuccess(http, provider: id, secret: apiKey?.value)
            var decoder = AnthropicStreamDecoder(provider: id)
            try await decoder.decode(response, provider: id, emit: emit)
        }
    }

    /// The static catalog (§3.3); Anthropic's own model list needs no probe to pick a model.
    public func models() -> [ModelInfo] {
        ModelCatalog.anthropic
    }
}
