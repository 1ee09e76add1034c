import OpenKoiCore

/// The OpenAI chat-completions wire format: OpenAI itself, llama.cpp's server, and any
/// `[providers.<id>] base_url` host that speaks it (tool calling included).
public struct OpenAIChatProvider: ModelProvider, CustomStringConvertible {
    /// Provider ids whose servers accept `response_format: json_schema` (OpenAI and the bundled llama.cpp).
    static let structuredOutputHosts: Set<String> = ["openai", "local"]

    public let id: String
    /// Up to and including the version segment, e.g. `https://api.openai.com/v1`.
    public let baseURL: String
    private let apiKey: APIKey?
    let transport: any HTTPTransport
    private let extraHeaders: [(name: String, value: String)]

    public static let defaultBaseURL = "https://api.openai.com/v1"

    /// - Parameters:
    ///   - id: provider id used in `provider/model` and in errors.
    ///   - baseURL: endpoint root; `/chat/completions` and `/models` are appended.
    ///   - apiKey: sent as `Authorization: Bearer`; `nil` for keyless local servers.
    ///   - transport: the HTTP client.
    ///   - extraHeaders: sent with every request (e.g. OpenRouter's `HTTP-Referer`).
    public init(
        id: String = "openai", baseURL: String = OpenAIChatProvider.defaultBaseURL, apiKey: String?,
        transport: any HTTPTransport, extraHeaders: [(name: String, value: String)] = []
    ) {
        self.id = id
        self.baseURL = baseURL
        self.apiKey = APIKey(apiKey)
        self.transport = transport
        self.extraHeaders = extraHeaders
    }

    public var description: String { "OpenAIChatProvider(\(id), \(baseURL))" }

    var apiKeyValue: String? { apiKey?.value }

    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        let http = HTTPRequest(
            method: "POST", url: endpoint(baseURL, "/chat/completions"),
            headers: headers(accept: "text/event-stream") + [("Content-Type", "application/json")],
            body: jsonBody(
                OpenAIRequestBody.make(
                    request, structuredOutput: Self.structuredOutputHosts.contains(id), llamaCpp: id == "local")))
        return chatEventStream(provider: id, secret: apiKey?.value) { [id, transport, apiKey] emit in
            let response = try await transport.sendExpectingSuccess(http, provider: id, secret: apiKey?.value)
            var decoder = OpenAIStreamDecoder(provider: id)
            try await decoder.decode(response, provider: id, emit: emit)
        }
    }

    /// Lists the host's models (`GET <base>/models`), enriched from the static catalog when it knows them.
    public func models() async throws -> [ModelInfo] {
        try await models(timeout: 10)
    }

    func models(timeout: Double) async throws -> [ModelInfo] {
        let request = HTTPRequest(
            url: endpoint(baseURL, "/models"), headers: headers(accept: "application/json"), timeout: timeout,
            connectTimeout: timeout)
        do {
            let response = try await transport.sendExpectingSuccess(request, provider: id, secret: apiKey?.value)
            let body = try await response.collectBody()
            guard let json = JSONValue.parse(body) else {
                throw ProviderError.malformed(id, "the model list is not valid JSON")
            }
            return Self.modelInfos(json, provider: id)
        } catch {
            throw ProviderError.normalize(error, provider: id, secret: apiKey?.value)
        }
    }

    /// Parses `{"data":[{"id":…}]}` (OpenAI, llama.cpp, vLLM) or `{"models":[…]}`; fine-tunes are skipped
    /// because they are not useful as a default and swamp the list.
    static func modelInfos(_ json: JSONValue, provider: String) -> [ModelInfo] {
        let entries = json["data"]?.arrayValue ?? json["models"]?.arrayValue ?? []
        return entries.compactMap { entry in
            guard let id = entry["id"]?.stringValue ?? entry["name"]?.stringValue,
                !id.hasPrefix("ft:"), !id.contains(":ft-")
            else { return nil }
            if let known = ModelCatalog.info(provider: provider, model: id) { return known }
            let window =
                entry["context_window"]?.intValue ?? entry["max_input_tokens"]?.intValue
                ?? entry["context_length"]?.intValue ?? entry["meta"]?["n_ctx_train"]?.intValue ?? 128_000
            let output = entry["max_output_tokens"]?.intValue ?? entry["max_tokens"]?.intValue ?? 16_384
            return ModelInfo(id: id, contextWindow: window, maxOutputTokens: output, pricing: listedPricing(entry))
        }
    }

    /// OpenRouter lists prices as dollars per *token* in strings; scaled here to $/Mtok (the reference
    /// stored them unscaled).
    private static func listedPricing(_ entry: JSONValue) -> ModelPricing? {
        guard let pricing = entry["pricing"],
            let input = pricing["prompt"]?.stringValue.flatMap(Double.init),
            let output = pricing["completion"]?.stringValue.flatMap(Double.init)
        else { return nil }
        return ModelPricing(inputPerMTok: input * 1_000_000, outputPerMTok: output * 1_000_000)
    }

    func headers(accept: String) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [("Accept", accept), ("User-Agent", "openkoi")]
        if let apiKey { headers.append(("Authorization", "Bearer \(apiKey.value)")) }
        return headers + extraHeaders
    }
}
