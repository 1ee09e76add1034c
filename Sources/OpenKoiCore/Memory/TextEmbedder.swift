/// Turns texts into vectors for recall (the `embedder` role: a provider's embedding API, or the
/// offline model bundled by `scripts/embedder/install.sh`).
public protocol TextEmbedder: Sendable {
    /// Names the model; stored with every vector, so a change of embedder is seen and re-embeds.
    var modelID: String { get }
    /// One vector per text, in order, every one of the same length.
    func embed(_ texts: [String]) async throws -> [[Float]]
}
