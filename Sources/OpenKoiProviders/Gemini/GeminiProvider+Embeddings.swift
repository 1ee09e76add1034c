import OpenKoiCore

extension GeminiProvider {
    public static let defaultEmbeddingModel = "text-embedding-004"

    /// Texts per `batchEmbedContents` call: the API takes at most 100.
    static let embeddingBatchSize = 100

    /// One vector per text, in order (`POST <base>/models/<model>:batchEmbedContents`).
    public func embed(_ texts: [String], model: String = GeminiProvider.defaultEmbeddingModel) async throws
        -> [[Float]]
    {
        let resource = GeminiModelName.resource(model)
        var vectors: [[Float]] = []
        for start in stride(from: 0, to: texts.count, by: Self.embeddingBatchSize) {
            let batch = texts[start..<min(start + Self.embeddingBatchSize, texts.count)]
            let body: JSONValue = [
                "requests": .array(
                    batch.map { text in
                        ["model": .string(resource), "content": ["parts": [["text": .string(text)]]]]
                    })
            ]
            let request = HTTPRequest(
                method: "POST", url: endpoint(baseURL, "/\(resource):batchEmbedContents"),
                headers: headers(accept: "application/json") + [("Content-Type", "application/json")],
                body: jsonBody(body), timeout: 60)
            let answer = try await fetchJSON(request, what: "the embeddings answer")
            vectors += try Self.vectors(answer, expected: batch.count, provider: id)
        }
        return vectors
    }

    static func vectors(_ answer: JSONValue, expected: Int, provider: String) throws -> [[Float]] {
        let embeddings = answer["embeddings"]?.arrayValue ?? []
        guard embeddings.count == expected else {
            throw ProviderError.malformed(
                provider, "asked for \(expected) embeddings and got \(embeddings.count) in \"embeddings\"")
        }
        return try embeddings.enumerated().map { index, embedding in
            let values = embedding["values"]?.arrayValue?.compactMap(\.doubleValue) ?? []
            guard !values.isEmpty, values.count == embedding["values"]?.arrayValue?.count else {
                throw ProviderError.malformed(provider, "embedding \(index) has no numeric \"values\"")
            }
            return values.map { Float($0) }
        }
    }
}
