import FoundationEssentials
import OpenKoiCore
import OpenKoiProviders
import OpenKoiTesting
import Testing

/// Embeddings through Ollama's `/api/embed` and the OpenAI-compatible `/embeddings`: one vector per
/// text in order, and malformed answers refused rather than half-used.
struct EmbeddingTests {
    /// Answers each text with a vector derived from it ([length, first byte]) so order is checkable.
    static func server(_ shape: @escaping @Sendable ([String]) -> String) throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer { request in
            let inputs = JSONValue.parse(request.body)?["input"]?.arrayValue?.compactMap(\.stringValue) ?? []
            return .json(shape(inputs))
        }
    }

    static func vector(_ text: String) -> String { "[\(text.utf8.count), \(text.utf8.first ?? 0)]" }

    @Test func ollamaEmbedsEveryTextInOrder() async throws {
        let server = try Self.server { inputs in
            #"{"model":"nomic-embed-text","embeddings":["# + inputs.map(Self.vector).joined(separator: ",") + "]}"
        }
        defer { server.shutdown() }
        let provider = OllamaProvider(baseURL: server.baseURL, transport: CurlTransport())
        let vectors = try await provider.embed(["ab", "xyz"], model: "nomic-embed-text")
        #expect(vectors == [[2, 97], [3, 120]])
        let sent = try #require(await server.requests.first)
        #expect(sent.method == "POST" && sent.path == "/api/embed")
        #expect(JSONValue.parse(sent.body) == ["model": "nomic-embed-text", "input": ["ab", "xyz"]])
    }

    @Test func openAICompatibleEmbeddingsAreReorderedByIndex() async throws {
        let server = try Self.server { inputs in
            let items = inputs.enumerated().reversed().map {
                #"{"index":\#($0.offset),"embedding":\#(Self.vector($0.element))}"#
            }
            return #"{"object":"list","data":["# + items.joined(separator: ",") + "]}"
        }
        defer { server.shutdown() }
        let provider = OpenAIChatProvider(
            baseURL: server.baseURL + "/v1", apiKey: "sk-embed", transport: CurlTransport())
        let vectors = try await provider.embed(["a", "bb", "ccc"], model: "text-embedding-3-small")
        #expect(vectors == [[1, 97], [2, 98], [3, 99]])
        let sent = try #require(await server.requests.first)
        #expect(sent.path == "/v1/embeddings")
        #expect(sent.header("Authorization") == "Bearer sk-embed")
    }

    @Test(arguments: [
        #"{"embeddings":[[1,2]]}"#, #"{"embeddings":[[1,2],[1]]}"#, #"{"embeddings":[[1,"x"],[1,2]]}"#, "not json",
    ])
    func malformedAnswersAreErrors(body: String) async throws {
        let server = try Self.server { _ in body }
        defer { server.shutdown() }
        let provider = OllamaProvider(baseURL: server.baseURL, transport: CurlTransport())
        await #expect {
            _ = try await provider.embed(["a", "b"], model: "m")
        } throws: { ($0 as? ProviderError)?.kind == .malformedResponse }
    }
}
