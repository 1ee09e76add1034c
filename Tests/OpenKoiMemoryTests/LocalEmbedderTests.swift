import FoundationEssentials
import Testing

@testable import OpenKoiMemory

private func cosine(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

private let failingTest = "How do I fix a failing unit test in Python?"
private let assertionError = "pytest reports an assertion error in test_parse"
private let bread = "Bake bread at 220 degrees"

struct LocalEmbedderTests {
    /// Values from scripts/embedder/reference.py: a float64 numpy forward pass of the same weights,
    /// run as one padded batch with the attention mask. It reproduces the similarities published
    /// for this model (0.6660, 0.1046, 0.1411 for sentence-transformers' weather example).
    @Test func embeddingsMatchTheReferenceForwardPass() async throws {
        _ = try InstalledModel.require()
        let vectors = try await InstalledModel.embedder.embed([failingTest, assertionError, bread])
        let firstDims: [[Float]] = [
            [-0.0347066, 0.0052541, -0.0070477, 0.0399667, -0.0381918, -0.1222695, -0.0426629, 0.0019276],
            [-0.0146477, 0.0133447, 0.0160035, 0.0169703, -0.0126285, -0.1080720, 0.0199565, 0.0761373],
            [0.0129029, 0.0614828, -0.0579928, -0.0607252, -0.0911270, 0.0150639, -0.0472069, 0.0034489],
        ]
        // the sum of |x| over all 384 dimensions, so every dimension counts
        let absoluteSums: [Float] = [15.5880494, 15.5215033, 15.4906365]
        try #require(vectors.count == 3)
        for (index, vector) in vectors.enumerated() {
            #expect(vector.count == 384)
            let worst = zip(vector.prefix(8), firstDims[index]).map { abs($0 - $1) }.max() ?? 1
            #expect(worst < 1e-4, "text \(index): \(vector.prefix(8)) differs by \(worst)")
            #expect(abs(vector.reduce(0) { $0 + abs($1) } - absoluteSums[index]) < 1e-3)
        }
        #expect(abs(cosine(vectors[0], vectors[1]) - 0.539424) < 1e-4)
        #expect(abs(cosine(vectors[0], vectors[2]) - 0.041369) < 1e-4)
        #expect(abs(cosine(vectors[1], vectors[2]) - -0.017832) < 1e-4)
    }

    @Test func relatedTasksAreCloserThanUnrelatedOnes() async throws {
        _ = try InstalledModel.require()
        let v = try await InstalledModel.embedder.embed([failingTest, assertionError, bread])
        #expect(cosine(v[0], v[1]) > cosine(v[0], v[2]) + 0.3)
    }

    @Test func aBatchGivesTheSameVectorsAsOneTextAtATime() async throws {
        _ = try InstalledModel.require()
        let texts =
            [
                bread, "Speed up the CI pipeline by caching the dependency downloads between runs",
                "", "ok", String(repeating: "memory leak in the websocket handler ", count: 40),
            ] + (0..<14).map { "task number \($0) about parsing dates" }
        let batch = try await InstalledModel.embedder.embed(texts)
        #expect(batch.count == texts.count)
        for (text, vector) in zip(texts, batch).prefix(6) {
            let alone = try await InstalledModel.embedder.embed([text])[0]
            let worst = zip(alone, vector).map { abs($0 - $1) }.max() ?? 1
            #expect(worst < 1e-5, "\(text.prefix(30)): \(worst)")
            #expect(abs(cosine(vector, vector) - 1) < 1e-5)
        }
        #expect(try InstalledModel.embedder.tokenIDs(texts[4]).count == 256)
    }

    /// CPUs without AVX2 (and arm64) run the portable kernels: they must give the same vectors.
    @Test func portableKernelsGiveTheSameVectors() throws {
        _ = try InstalledModel.require()
        let texts = [failingTest, assertionError, bread]
        // embedBlocking: the choice of kernels holds for this thread only
        let fast = try InstalledModel.embedder.embedBlocking(texts)
        #expect(VectorKernels.usePortable(true) == "portable")
        defer { VectorKernels.usePortable(false) }
        let portable = try InstalledModel.embedder.embedBlocking(texts)
        for (a, b) in zip(fast, portable) {
            let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 1
            #expect(worst < 1e-5, "\(worst)")
        }
    }

    @Test func describesItself() {
        let embedder = LocalEmbedder(directory: "/nonexistent")
        #expect(embedder.modelID == "local/all-MiniLM-L6-v2")
        #expect(embedder.dimensions == 384)
    }

    @Test func aMissingModelSaysHowToInstallIt() async throws {
        let directory = try TemporaryDirectory()
        let embedder = LocalEmbedder(directory: directory.path + "/all-MiniLM-L6-v2")
        #expect(!LocalEmbedder.isInstalled(at: embedder.directory))
        // nothing to embed: nothing is loaded, so no error
        #expect(try await embedder.embed([]).isEmpty)
        let error = try await #require(throws: EmbedderError.self) { try await embedder.embed(["hello"]) }
        #expect(error.needsInstall)
        #expect(error.description.contains(embedder.directory + "/model.safetensors is missing"))
        #expect(error.description.contains("run scripts/embedder/install.sh"))
    }

    @Test func aDamagedModelIsAnErrorNamingTheFile() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("tokenizer.json", miniTokenizerJSON())
        let model = try directory.write("model.safetensors", [0x10, 0, 0, 0, 0, 0, 0, 0] + Array("{\"a\":".utf8))
        #expect(LocalEmbedder.isInstalled(at: directory.path))
        let embedder = LocalEmbedder(directory: directory.path)
        let error = try await #require(throws: EmbedderError.self) { try await embedder.embed(["hello"]) }
        #expect(error.path == model)
        #expect(error.description.contains("is damaged"))
        // still an error on the next call, not a crash or a half-loaded model
        await #expect(throws: EmbedderError.self) { try await embedder.embed(["hello"]) }
        await #expect(throws: EmbedderError.self) { try await embedder.preload() }
    }

    @Test func defaultDirectoryFollowsTheEnvironment() {
        #expect(
            LocalEmbedder.defaultDirectory(environment: ["HOME": "/home/u"])
                == "/home/u/.cache/openkoi/models/all-MiniLM-L6-v2")
        #expect(
            LocalEmbedder.defaultDirectory(environment: ["HOME": "/home/u", "OPENKOI_MODEL_DIR": "/models"])
                == "/models/all-MiniLM-L6-v2")
        #expect(
            LocalEmbedder.defaultDirectory(environment: ["OPENKOI_MODEL_DIR": "/models", "OPENKOI_EMBEDDER_DIR": "/e"])
                == "/e")
        #expect(
            LocalEmbedder.defaultDirectory(environment: [
                "HOME": "/h", "OPENKOI_MODEL_DIR": "", "OPENKOI_EMBEDDER_DIR": "",
            ])
                == "/h/.cache/openkoi/models/all-MiniLM-L6-v2")
    }
}
