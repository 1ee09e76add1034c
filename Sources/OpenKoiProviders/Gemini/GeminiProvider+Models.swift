import OpenKoiCore

extension GeminiProvider {
    /// Pages of the model list read at most; Google lists well under one page of 1000 today, so the
    /// bound only stops a server that keeps handing out page tokens.
    static let maxModelPages = 10

    /// The models this key may call with `generateContent` (`GET <base>/models`, every page), with
    /// prices from the static catalog when it knows the model.
    public func models() async throws -> [ModelInfo] {
        try await models(timeout: 10)
    }

    func models(timeout: Double) async throws -> [ModelInfo] {
        var models: [ModelInfo] = []
        var pageToken: String?
        for _ in 0..<Self.maxModelPages {
            var url = endpoint(baseURL, "/models") + "?pageSize=1000"
            if let pageToken { url += "&pageToken=" + percentEncoded(pageToken) }
            let request = HTTPRequest(
                url: url, headers: headers(accept: "application/json"), timeout: timeout, connectTimeout: timeout)
            let page = try await fetchJSON(request, what: "the model list")
            models += Self.modelInfos(page)
            guard let next = page["nextPageToken"]?.stringValue, !next.isEmpty else { break }
            pageToken = next
        }
        return models
    }

    /// Entries of one page that can chat; embedding and other models lack `generateContent`.
    static func modelInfos(_ page: JSONValue) -> [ModelInfo] {
        (page["models"]?.arrayValue ?? []).compactMap { entry in
            guard let name = entry["name"]?.stringValue,
                entry["supportedGenerationMethods"]?.arrayValue?.contains("generateContent") == true
            else { return nil }
            let id = GeminiModelName.id(name)
            let known = ModelCatalog.gemini.first { $0.id == id }
            return ModelInfo(
                id: id, contextWindow: entry["inputTokenLimit"]?.intValue ?? known?.contextWindow ?? 128_000,
                maxOutputTokens: entry["outputTokenLimit"]?.intValue ?? known?.maxOutputTokens ?? 8192,
                // Gemma models are served here too but answer 400 to function declarations.
                supportsTools: !id.hasPrefix("gemma"), pricing: known?.pricing)
        }
    }
}
