import FoundationEssentials
import OpenKoiCore

/// Google's Gemini API (`generativelanguage.googleapis.com`), streamed over SSE, with function calling,
/// the model list and embeddings.
///
/// The key travels in the `x-goog-api-key` header, never in the URL (`?key=`), so it cannot end up in
/// logs, proxies' access logs or error messages that quote the URL.
public struct GeminiProvider: ModelProvider, CustomStringConvertible {
    public let id: String
    /// Up to and including the version segment, e.g. `https://generativelanguage.googleapis.com/v1beta`.
    public let baseURL: String
    let apiKey: APIKey?
    let transport: any HTTPTransport
    let signatures = GeminiThoughtSignatures()

    public static let defaultBaseURL = "https://generativelanguage.googleapis.com/v1beta"

    /// - Parameters:
    ///   - id: provider id used in `provider/model` and in errors.
    ///   - baseURL: endpoint root; `/models/<model>:streamGenerateContent` and `/models` are appended.
    ///   - apiKey: sent as `x-goog-api-key`; `nil` for a proxy that adds its own credentials.
    ///   - transport: the HTTP client.
    public init(
        id: String = "google", baseURL: String = GeminiProvider.defaultBaseURL, apiKey: String?,
        transport: any HTTPTransport
    ) {
        self.id = id
        self.baseURL = baseURL
        self.apiKey = APIKey(apiKey)
        self.transport = transport
    }

    public var description: String { "GeminiProvider(\(id), \(baseURL))" }

    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        let http = HTTPRequest(
            method: "POST",
            url: endpoint(baseURL, "/\(GeminiModelName.resource(request.model)):streamGenerateContent?alt=sse"),
            headers: headers(accept: "text/event-stream") + [("Content-Type", "application/json")],
            body: jsonBody(GeminiRequestBody.make(request, signatures: signatures)))
        return chatEventStream(provider: id, secret: apiKey?.value) { [id, transport, apiKey, signatures] emit in
            let response = try await transport.sendExpectingSuccess(http, provider: id, secret: apiKey?.value)
            var decoder = GeminiStreamDecoder(provider: id, signatures: signatures)
            try await decoder.decode(response, provider: id, emit: emit)
        }
    }

    func headers(accept: String) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [("Accept", accept), ("User-Agent", "openkoi")]
        if let apiKey { headers.append(("x-goog-api-key", apiKey.value)) }
        return headers
    }

    /// Sends a request whose answer is one JSON object (model list, embeddings) and parses it.
    /// - Parameter what: names the answer in the error if it is not JSON.
    func fetchJSON(_ request: HTTPRequest, what: String) async throws -> JSONValue {
        do {
            let response = try await transport.sendExpectingSuccess(request, provider: id, secret: apiKey?.value)
            let body = try await response.collectBody(limit: StreamedBody.jsonLimit)
            guard let json = JSONValue.parse(body), json.objectValue != nil else {
                throw ProviderError.malformed(id, "\(what) is not a JSON object: \(StreamedBody.preview(body))")
            }
            return json
        } catch {
            throw ProviderError.normalize(error, provider: id, secret: apiKey?.value)
        }
    }
}
