import OpenKoiCore
import OpenKoiTesting
import Testing

@testable import OpenKoiProviders

/// The Gemini model list and embeddings against `FakeGeminiServer` over real HTTP.
struct GeminiModelsTests {
    let key = "AIza-models-test-5678"

    func provider(_ fake: FakeGeminiServer) -> GeminiProvider {
        GeminiProvider(baseURL: fake.baseURL, apiKey: key, transport: CurlTransport())
    }

    @Test func modelListFollowsPagesAndKeepsChatModels() async throws {
        let fake = try FakeGeminiServer([], apiKey: key)
        defer { fake.shutdown() }
        let models = try await provider(fake).models()
        #expect(models.map(\.id) == ["gemini-2.5-pro", "gemini-2.0-flash", "gemma-3-27b-it"])
        #expect(models[0].contextWindow == 1_048_576 && models[0].maxOutputTokens == 65_536)
        #expect(models[0].pricing == ModelCatalog.gemini[0].pricing)
        #expect(models[1].maxOutputTokens == 8192)
        #expect(models[2].contextWindow == 131_072 && !models[2].supportsTools && models[2].pricing == nil)

        let sent = await fake.requests
        #expect(
            sent.map(\.path) == [
                "/v1beta/models?pageSize=1000", "/v1beta/models?pageSize=1000&pageToken=Cg1wYWdl%2B%2F1%3D%3D",
            ])
        #expect(sent.allSatisfy { $0.method == "GET" && $0.header("x-goog-api-key") == key })
    }

    @Test func endlessPagesAreBounded() async throws {
        let pages = Array(repeating: [GeminiFixtures.model("gemini-2.5-flash")], count: 30)
        let fake = try FakeGeminiServer([], modelPages: pages)
        defer { fake.shutdown() }
        #expect(try await provider(fake).models().count == GeminiProvider.maxModelPages)
        #expect(await fake.requests.count == GeminiProvider.maxModelPages)
    }

    @Test func embeddingsComeBackInOrder() async throws {
        let fake = try FakeGeminiServer([], apiKey: key)
        defer { fake.shutdown() }
        let vectors = try await provider(fake).embed(["a", "hello"])
        #expect(vectors == [[0, 1, 0.25], [1, 5, 0.25]])
        let sent = try #require(await fake.requests.first)
        #expect(sent.method == "POST" && sent.path == "/v1beta/models/text-embedding-004:batchEmbedContents")
        #expect(sent.header("x-goog-api-key") == key)
        #expect(
            JSONValue.parse(sent.body) == [
                "requests": [
                    ["model": "models/text-embedding-004", "content": ["parts": [["text": "a"]]]],
                    ["model": "models/text-embedding-004", "content": ["parts": [["text": "hello"]]]],
                ]
            ])
    }

    @Test func manyTextsAreSentInBatchesOfAHundred() async throws {
        let fake = try FakeGeminiServer([])
        defer { fake.shutdown() }
        let texts = (0..<150).map { String(repeating: "x", count: $0) }
        let vectors = try await provider(fake).embed(texts, model: "models/gemini-embedding-001")
        #expect(vectors.count == 150)
        #expect(vectors[149] == [49, 149, 0.25])
        let bodies = await fake.requestBodies
        #expect(bodies.map { $0?["requests"]?.arrayValue?.count } == [100, 50])
        #expect(await fake.requests.first?.path == "/v1beta/models/gemini-embedding-001:batchEmbedContents")
    }

    @Test func embeddingAnswersThatDoNotMatchAreErrors() throws {
        #expect(throws: ProviderError.self) {
            try GeminiProvider.vectors(.object(["embeddings": [["values": [1]]]]), expected: 2, provider: "google")
        }
        let failure = #expect(throws: ProviderError.self) {
            try GeminiProvider.vectors(.object(["embeddings": [["values": ["x"]]]]), expected: 1, provider: "google")
        }
        #expect(failure?.message == "embedding 0 has no numeric \"values\"")
    }

    @Test func catalogHasTheReferenceModels() {
        #expect(ModelCatalog.gemini.map(\.id) == ["gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.0-flash"])
        let pro = ModelCatalog.gemini[0]
        #expect(pro.pricing?.inputPerMTok == 1.25 && pro.pricing?.outputPerMTok == 10)
        #expect(ModelCatalog.gemini[2].maxOutputTokens == 8192)
    }
}
