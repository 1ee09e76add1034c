import OpenKoiCore

/// A provider that turns texts into vectors (the `embedder` role): one vector per text, in order.
public protocol TextEmbedding: Sendable {
    func embed(_ texts: [String], model: String) async throws -> [[Float]]
}

extension GeminiProvider: TextEmbedding {}

/// Reads `[[number]]` from `json[key]`, checking there is one vector per text and that every
/// vector has the same length.
func embeddingVectors(_ rows: [JSONValue]?, count: Int, provider: String) throws -> [[Float]] {
    guard let rows, rows.count == count else {
        throw ProviderError.malformed(
            provider, "expected \(count) embedding(s), got \(rows.map { String($0.count) } ?? "none")")
    }
    let vectors = try rows.map { row -> [Float] in
        guard let values = row.arrayValue, !values.isEmpty else {
            throw ProviderError.malformed(provider, "an embedding is not an array of numbers")
        }
        return try values.map { value in
            guard let number = value.doubleValue, number.isFinite else {
                throw ProviderError.malformed(provider, "an embedding holds a value that is not a finite number")
            }
            return Float(number)
        }
    }
    guard Set(vectors.map(\.count)).count <= 1 else {
        throw ProviderError.malformed(provider, "the embeddings have different lengths")
    }
    return vectors
}

extension OllamaProvider: TextEmbedding {
    /// `POST /api/embed {model, input: [...]}` → `embeddings`.
    public func embed(_ texts: [String], model: String) async throws -> [[Float]] {
        guard !texts.isEmpty else { return [] }
        let body: JSONValue = ["model": .string(model), "input": .array(texts.map { .string($0) })]
        let request = HTTPRequest(
            method: "POST", url: endpoint(baseURL, "/api/embed"),
            headers: [("Accept", "application/json"), ("Content-Type", "application/json"), ("User-Agent", "openkoi")],
            body: jsonBody(body))
        do {
            let response = try await transport.sendExpectingSuccess(request, provider: id, secret: nil)
            let json = JSONValue.parse(try await response.collectBody())
            return try embeddingVectors(json?["embeddings"]?.arrayValue, count: texts.count, provider: id)
        } catch {
            throw ProviderError.normalize(error, provider: id, secret: nil)
        }
    }
}

extension OpenAIChatProvider: TextEmbedding {
    /// `POST <base>/embeddings {model, input: [...]}` → `data[].embedding`, put back in `index` order
    /// (OpenAI, llama.cpp in embedding mode, and the compatible hosts).
    public func embed(_ texts: [String], model: String) async throws -> [[Float]] {
        guard !texts.isEmpty else { return [] }
        let body: JSONValue = ["model": .string(model), "input": .array(texts.map { .string($0) })]
        let request = HTTPRequest(
            method: "POST", url: endpoint(baseURL, "/embeddings"),
            headers: headers(accept: "application/json") + [("Content-Type", "application/json")],
            body: jsonBody(body))
        do {
            let response = try await transport.sendExpectingSuccess(request, provider: id, secret: apiKeyValue)
            let data = JSONValue.parse(try await response.collectBody())?["data"]?.arrayValue
            let ordered = data?.enumerated().sorted {
                ($0.element["index"]?.intValue ?? $0.offset) < ($1.element["index"]?.intValue ?? $1.offset)
            }
            return try embeddingVectors(
                ordered?.map { $0.element["embedding"] ?? .null }, count: texts.count, provider: id)
        } catch {
            throw ProviderError.normalize(error, provider: id, secret: apiKeyValue)
        }
    }
}
