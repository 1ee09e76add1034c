import OpenKoiCore

/// A local Ollama server's native chat API (`/api/chat`, NDJSON), with tool calling.
public struct OllamaProvider: ModelProvider, CustomStringConvertible {
    public let id: String
    /// Server root, e.g. `http://127.0.0.1:11434`.
    public let baseURL: String
    let transport: any HTTPTransport

    public static let defaultBaseURL = "http://127.0.0.1:11434"

    /// - Parameters:
    ///   - id: provider id used in `provider/model` and in errors.
    ///   - baseURL: server root; `/api/chat` and `/api/tags` are appended.
    ///   - transport: the HTTP client.
    public init(id: String = "ollama", baseURL: String = OllamaProvider.defaultBaseURL, transport: any HTTPTransport) {
        self.id = id
        self.baseURL = baseURL
        self.transport = transport
    }

    public var description: String { "OllamaProvider(\(id), \(baseURL))" }

    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        let http = HTTPRequest(
            method: "POST", url: endpoint(baseURL, "/api/chat"),
            headers: [
                ("Accept", "application/x-ndjson"), ("Content-Type", "application/json"), ("User-Agent", "openkoi"),
            ],
            body: jsonBody(OllamaRequestBody.make(request)))
        return chatEventStream(provider: id, secret: nil) { [id, transport] emit in
            let response = try await transport.sendExpectingSuccess(http, provider: id, secret: nil)
            var decoder = OllamaStreamDecoder(provider: id)
            // A whole JSON answer is one NDJSON line; only an HTML page or the like is refused.
            if case .other(let contentType) = StreamedBody(response.head), !contentType.contains("text/plain") {
                throw await StreamedBody.unexpected(response, contentType: contentType, provider: id)
            }
            try await decoder.decode(response.ndjsonLines(), provider: id, emit: emit) { $0 }
        }
    }

    /// The installed models (`GET /api/tags`); local models are free.
    public func models() async throws -> [ModelInfo] {
        try await models(timeout: 10)
    }

    func models(timeout: Double) async throws -> [ModelInfo] {
        let request = HTTPRequest(
            url: endpoint(baseURL, "/api/tags"), headers: [("Accept", "application/json"), ("User-Agent", "openkoi")],
            timeout: timeout, connectTimeout: timeout)
        do {
            let response = try await transport.sendExpectingSuccess(request, provider: id, secret: nil)
            guard let json = JSONValue.parse(try await response.collectBody()) else {
                throw ProviderError.malformed(id, "the model list from /api/tags is not valid JSON")
            }
            return (json["models"]?.arrayValue ?? []).compactMap { entry in
                guard let name = entry["name"]?.stringValue ?? entry["model"]?.stringValue else { return nil }
                return ModelInfo(id: name, pricing: .free)
            }
        } catch {
            throw ProviderError.normalize(error, provider: id, secret: nil)
        }
    }

    /// The installed model best suited to agent work: coding-tuned and tool-capable families first,
    /// in the reference's order (§3.6), else the first installed one.
    public static func preferredModel(among installed: [String]) -> String? {
        let priority = ["qwen2.5-coder", "codestral", "deepseek-coder-v2", "llama3.3", "llama3.1", "mistral", "gemma2"]
        for family in priority {
            if let match = installed.first(where: { $0.lowercased().contains(family) }) { return match }
        }
        return installed.first
    }
}
