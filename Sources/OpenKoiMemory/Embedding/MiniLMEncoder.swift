import CVectorKernels

/// The BERT forward pass of all-MiniLM-L6-v2 on the C kernels, then sentence-transformers'
/// pooling: the mean of the last hidden states over the text's tokens, L2-normalised.
///
/// A batch is packed, not padded: the tokens of all texts are rows of one matrix, so the linear
/// layers (nearly all of the work) run once over every real token and none over padding, and
/// attention runs per text over its own rows, which is exactly what the padding mask achieves
/// in a padded batch (masked scores become e^-inf = 0).
///
/// Not thread-safe (it reuses its scratch buffers); `LocalEmbedder` serialises calls.
final class MiniLMEncoder {
    let configuration: BertConfiguration
    /// Keeps the mapping the weight pointers point into alive.
    private let file: SafetensorsFile
    private let wordEmbeddings, positionEmbeddings, tokenTypeEmbeddings: UnsafePointer<Float>
    private let embeddingNormGamma, embeddingNormBeta: UnsafePointer<Float>
    private let layers: [BertLayerWeights]
    private let scratch = Scratch()

    init(file: SafetensorsFile, configuration c: BertConfiguration) throws {
        self.file = file
        configuration = c
        wordEmbeddings = try file.pointer("embeddings.word_embeddings.weight", shape: [c.vocabulary, c.hidden])
        positionEmbeddings = try file.pointer(
            "embeddings.position_embeddings.weight", shape: [c.maxPositions, c.hidden])
        let types = file.tensors["embeddings.token_type_embeddings.weight"]?.shape.first ?? 0
        tokenTypeEmbeddings = try file.pointer("embeddings.token_type_embeddings.weight", shape: [types, c.hidden])
        embeddingNormGamma = try file.pointer("embeddings.LayerNorm.weight", shape: [c.hidden])
        embeddingNormBeta = try file.pointer("embeddings.LayerNorm.bias", shape: [c.hidden])
        layers = try (0..<c.layers).map { try BertLayerWeights(file, layer: $0, c) }
    }

    /// One unit-length vector per token sequence (ids beyond the vocabulary count as id 0;
    /// sequences longer than the position table are cut to it).
    func embed(_ sequences: [[Int32]]) -> [[Float]] {
        let c = configuration
        let h = c.hidden
        let lengths = sequences.map { min($0.count, c.maxPositions) }
        let rows = lengths.reduce(0, +)
        guard rows > 0 else { return sequences.map { _ in [Float](repeating: 0, count: h) } }
        scratch.reserve(rows: rows, longest: lengths.max() ?? 0, c)
        var x = scratch.hidden
        var spare = scratch.spare

        var row = 0
        for (ids, length) in zip(sequences, lengths) {
            for position in 0..<length {
                let id = ids[position] >= 0 && Int(ids[position]) < c.vocabulary ? Int(ids[position]) : 0
                let word = wordEmbeddings + id * h
                let place = positionEmbeddings + position * h
                let target = x + row * h
                for d in 0..<h { target[d] = word[d] + place[d] + tokenTypeEmbeddings[d] }
                row += 1
            }
        }
        okv_layer_norm(x, nil, rows, h, h, embeddingNormGamma, embeddingNormBeta, c.layerNormEps)

        for layer in layers {
            let (q, k, v, context, inner) = (scratch.query, scratch.key, scratch.value, scratch.context, scratch.inner)
            okv_matmul_bt(x, h, layer.query, h, layer.queryBias, q, h, rows, h, h)
            okv_matmul_bt(x, h, layer.key, h, layer.keyBias, k, h, rows, h, h)
            okv_matmul_bt(x, h, layer.value, h, layer.valueBias, v, h, rows, h, h)
            var offset = 0
            for length in lengths where length > 0 {
                let at = offset * h
                okv_attention(
                    q + at, k + at, v + at, h, length, c.heads, h / c.heads, context + at, scratch.attention)
                offset += length
            }
            okv_matmul_bt(context, h, layer.attentionOutput, h, layer.attentionOutputBias, spare, h, rows, h, h)
            okv_layer_norm(spare, x, rows, h, h, layer.attentionNormGamma, layer.attentionNormBeta, c.layerNormEps)
            swap(&x, &spare)
            okv_matmul_bt(
                x, h, layer.intermediate, h, layer.intermediateBias, inner, c.intermediate, rows, c.intermediate, h)
            okv_gelu(inner, rows * c.intermediate)
            okv_matmul_bt(
                inner, c.intermediate, layer.output, c.intermediate, layer.outputBias, spare, h, rows, h, c.intermediate
            )
            okv_layer_norm(spare, x, rows, h, h, layer.outputNormGamma, layer.outputNormBeta, c.layerNormEps)
            swap(&x, &spare)
        }
        return Self.meanPool(x, lengths: lengths, width: h)
    }

    /// The mean of each text's rows, divided by its norm (at least 1e-12, as torch's `normalize`).
    private static func meanPool(_ x: UnsafeMutablePointer<Float>, lengths: [Int], width h: Int) -> [[Float]] {
        var offset = 0
        return lengths.map { length in
            var vector = [Float](repeating: 0, count: h)
            guard length > 0 else { return vector }
            vector.withUnsafeMutableBufferPointer { out in
                for row in offset..<offset + length {
                    let source = x + row * h
                    for d in 0..<h { out[d] += source[d] }
                }
                var squares: Float = 0
                for d in 0..<h {
                    out[d] /= Float(length)
                    squares += out[d] * out[d]
                }
                let scale = 1 / max(squares.squareRoot(), 1e-12)
                for d in 0..<h { out[d] *= scale }
            }
            offset += length
            return vector
        }
    }
}

/// Working memory for one forward pass: one allocation, grown to the largest batch seen and
/// reused, cut into the matrices the pass needs for the current batch.
private final class Scratch {
    private var storage = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    private var capacity = 1
    private(set) var hidden, spare, query, key, value, context, inner, attention: UnsafeMutablePointer<Float>

    init() {
        (hidden, spare, query, key, value, context, inner, attention) =
            (storage, storage, storage, storage, storage, storage, storage, storage)
    }

    deinit { storage.deallocate() }

    func reserve(rows: Int, longest: Int, _ c: BertConfiguration) {
        let block = rows * c.hidden
        let needed = 6 * block + rows * c.intermediate + longest * longest + (c.hidden / c.heads) * longest
        if needed > capacity {
            storage.deallocate()
            storage = UnsafeMutablePointer<Float>.allocate(capacity: needed)
            capacity = needed
        }
        let base = storage
        (hidden, spare, query, key, value, context) =
            (base, base + block, base + 2 * block, base + 3 * block, base + 4 * block, base + 5 * block)
        inner = base + 6 * block
        attention = inner + rows * c.intermediate
    }
}
