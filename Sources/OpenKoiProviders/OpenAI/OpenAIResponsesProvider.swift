import OpenKoiCore

/// OpenAI's Responses API (`POST <base>/responses`), streamed and stateless (`store: false`): OpenAI
/// itself and any host that serves the same endpoint (llama.cpp's server does).
public struct OpenAIResponsesProvider: ModelProvider, CustomStringConvertible {
    public let id: String
    /// Up to and including the version segment, e.g. `https://api.openai.com/v1`.
    public let baseURL: String
    private let apiKey: APIKey?
    private let transport: any HTTPTransport
    private let reasoningEffort: String?
    private let extraHeaders: [(name: String, value: String)]

    /// - Parameters:
    ///   - id: provider id used in `provider/model` and in errors.
    ///   - baseURL: endpoint root; `/responses` is appended.
    ///   - apiKey: sent as `Authorization: Bearer`; `nil` for keyless local servers.
    ///   - transport: the HTTP client.
    ///   - reasoningEffort: `reasoning.effort` for reasoning models (`low`, `medium`, `high`); `nil`
    ///     leaves the model's default.
    ///   - extraHeaders: sent with every request.
    public init(
        id: String = "openai", baseURL: String = OpenAIChatProvider.defaultBaseURL, apiKey: String?,
        transport: any HTTPTransport, reasoningEffort: String? = nil,
        extraHeaders: [(name: String, value: String)] = []
    ) {
        self.id = id
        self.baseURL = baseURL
        self.apiKey = APIKey(apiKey)
        self.transport = transport
        self.reasoningEffort = reasoningEffort
        self.extraHeaders = extraHeaders
    }

    public var description: String { "OpenAIResponsesProvider(\(id), \(baseURL))" }

    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        var headers: [(name: String, value: String)] = [
            ("Accept", "text/event-stream"), ("Content-Type", "application/json"), ("User-Agent", "openkoi"),
        ]
        if let apiKey { headers.append(("Authorization", "Bearer \(apiKey.value)")) }
        let http = HTTPRequest(
            method: "POST", url: endpoint(baseURL, "/responses"), headers: headers + extraHeaders,
            body: jsonBody(OpenAIResponsesRequestBody.make(request, reasoningEffort: reasoningEffort)))
        return chatEventStream(provider: id, secret: apiKey?.value) { [id, transport, apiKey] emit in
            let response = try await transport.sendExpectingSuccess(http, provider: id, secret: apiKey?.value)
            var decoder = OpenAIResponsesStreamDecoder(provider: id)
            try await decoder.decode(response, provider: id, emit: emit)
        }
    }
}
