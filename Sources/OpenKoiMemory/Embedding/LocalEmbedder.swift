import FoundationEssentials
import OpenKoiCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The offline embedder: sentence-transformers' all-MiniLM-L6-v2 run in-process (384-d unit
/// vectors, cosine = dot product), used for recall when no embedding API is configured.
///
/// The model is loaded on first use, not at init, so constructing one costs nothing on paths
/// that never recall. One instance is meant to be shared: a lock serialises the forward passes
/// (they reuse scratch memory), and each runs on a thread of its own rather than on Swift's
/// cooperative pool, which has one thread per core and must not be held for milliseconds.
public final class LocalEmbedder: TextEmbedder {
    public static let modelName = "all-MiniLM-L6-v2"
    /// Texts per forward pass: large enough to keep the matrix kernels busy, small enough to bound
    /// the scratch memory (~4 MB for 16 task-length texts).
    static let batchSize = 16

    public let modelID = "local/" + LocalEmbedder.modelName
    public let dimensions = 384
    public let directory: String
    /// Longest token sequence embedded, `[CLS]` and `[SEP]` included; longer texts are cut.
    public let maxTokens: Int

    private struct Model {
        let tokenizer: WordPieceTokenizer
        let encoder: MiniLMEncoder
    }

    private let model = Mutex<Model?>(nil)

    /// - Parameters:
    ///   - directory: holds model.safetensors, tokenizer.json and (optionally) config.json, as
    ///     placed by scripts/embedder/install.sh.
    ///   - maxTokens: sentence-transformers' default for this model.
    public init(directory: String, maxTokens: Int = WordPieceTokenizer.defaultMaxLength) {
        self.directory = directory
        self.maxTokens = max(2, maxTokens)
    }

    /// `$OPENKOI_EMBEDDER_DIR`, else `${OPENKOI_MODEL_DIR:-$HOME/.cache/openkoi/models}/all-MiniLM-L6-v2`
    /// (the root scripts/local-model/ uses too). Empty variables count as unset.
    public static func defaultDirectory(environment: [String: String]) -> String {
        func variable(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let explicit = variable("OPENKOI_EMBEDDER_DIR") { return explicit }
        let home = variable("HOME") ?? FileManager.default.homeDirectoryForCurrentUser.path(percentEncoded: false)
        return (variable("OPENKOI_MODEL_DIR") ?? home + "/.cache/openkoi/models") + "/" + modelName
    }

    /// Whether `directory` holds the model's files (present, not verified: loading checks them).
    public static func isInstalled(at directory: String) -> Bool {
        requiredFiles.allSatisfy { access(directory + "/" + $0, R_OK) == 0 }
    }

    private static let requiredFiles = ["model.safetensors", "tokenizer.json"]

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        if texts.isEmpty { return [] }
        return try await Self.onOwnThread { try self.embedBlocking(texts) }
    }

    /// Runs `body` on a new thread and waits for it without holding a cooperative-pool thread.
    private static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let work: @Sendable () -> Void = { continuation.resume(with: Result { try body() }) }
            // No thread to be had (resource exhaustion): slower for the pool, but still an answer.
            if !DetachedThread.start(work) { work() }
        }
    }

    /// `embed` on the calling thread, for callers that own one (benchmarks, batch jobs).
    public func embedBlocking(_ texts: [String]) throws -> [[Float]] {
        try model.withLock { model in
            let loaded = try model ?? load()
            model = loaded
            var vectors: [[Float]] = []
            vectors.reserveCapacity(texts.count)
            var start = 0
            while start < texts.count {
                let batch = texts[start..<min(start + Self.batchSize, texts.count)]
                vectors += loaded.encoder.embed(batch.map { loaded.tokenizer.encode($0, maxLength: maxTokens) })
                start += batch.count
            }
            return vectors
        }
    }

    /// Loads the model now rather than on the first `embed`, and runs one two-token pass: every
    /// layer's weights are read whatever the text's length, so this pages them in, and the first
    /// real embedding takes about half as long (Benchmarks/embedding/README.md). Meant to run in
    /// the background at start-up, overlapping config and provider set-up.
    public func preload() async throws {
        try await Self.onOwnThread { try self.preloadBlocking() }
    }

    /// `preload` on the calling thread.
    public func preloadBlocking() throws {
        try model.withLock { model in
            guard model == nil else { return }
            let loaded = try load()
            _ = loaded.encoder.embed([loaded.tokenizer.encode("")])
            model = loaded
        }
    }

    /// The token ids `embed` would feed the encoder for `text`.
    public func tokenIDs(_ text: String) throws -> [Int32] {
        try model.withLock { model in
            let loaded = try model ?? load()
            model = loaded
            return loaded.tokenizer.encode(text, maxLength: maxTokens)
        }
    }

    private func load() throws -> Model {
        for file in Self.requiredFiles where access(directory + "/" + file, F_OK) != 0 {
            throw EmbedderError.notInstalled(directory, missing: file)
        }
        let configPath = directory + "/config.json"
        let configuration = try BertConfiguration(contentsOf: configPath)
        guard configuration.hidden == dimensions else {
            throw EmbedderError.unsupported(
                configPath, "hidden_size \(configuration.hidden), but \(modelID) gives \(dimensions)-d vectors")
        }
        let tokenizerPath = directory + "/tokenizer.json"
        let tokenizer = try WordPieceTokenizer(contentsOf: tokenizerPath)
        guard Int(tokenizer.largestID) < configuration.vocabulary else {
            throw EmbedderError.unsupported(
                tokenizerPath,
                "token id \(tokenizer.largestID) is beyond the model's \(configuration.vocabulary) embeddings")
        }
        let file = try SafetensorsFile(path: directory + "/model.safetensors")
        return Model(tokenizer: tokenizer, encoder: try MiniLMEncoder(file: file, configuration: configuration))
    }
}
