import FoundationEssentials
import OpenKoiCore

/// The sizes of a BERT encoder, from the model's config.json; all-MiniLM-L6-v2's when there is none.
struct BertConfiguration: Sendable, Equatable {
    var hidden = 384
    var layers = 6
    var heads = 12
    var intermediate = 1536
    var maxPositions = 512
    var vocabulary = 30522
    var layerNormEps: Float = 1e-12

    init() {}

    /// Reads `path`; a missing file gives the defaults, anything but a GELU BERT with absolute
    /// positions is refused (this encoder implements only that).
    init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { return }
        guard let json = JSONValue.parse(data), json.objectValue != nil else {
            throw EmbedderError.corrupt(path, "not a JSON object")
        }
        func size(_ key: String, _ fallback: Int) throws -> Int {
            guard let value = json[key] else { return fallback }
            guard let number = value.intValue, number > 0 else {
                throw EmbedderError.unsupported(path, "\(key) must be a positive integer")
            }
            return number
        }
        hidden = try size("hidden_size", hidden)
        layers = try size("num_hidden_layers", layers)
        heads = try size("num_attention_heads", heads)
        intermediate = try size("intermediate_size", intermediate)
        maxPositions = try size("max_position_embeddings", maxPositions)
        vocabulary = try size("vocab_size", vocabulary)
        layerNormEps = Float(json["layer_norm_eps"]?.doubleValue ?? Double(layerNormEps))
        guard hidden % heads == 0 else {
            throw EmbedderError.unsupported(
                path, "hidden_size \(hidden) is not a multiple of num_attention_heads \(heads)")
        }
        if let activation = json["hidden_act"]?.stringValue, activation != "gelu" {
            throw EmbedderError.unsupported(path, "hidden_act \(activation) (only gelu is implemented)")
        }
        if let positions = json["position_embedding_type"]?.stringValue, positions != "absolute" {
            throw EmbedderError.unsupported(path, "position_embedding_type \(positions) (only absolute is implemented)")
        }
    }
}

/// Views of one encoder layer's tensors (weights are [out][in], as PyTorch stores them).
struct BertLayerWeights {
    let query, queryBias, key, keyBias, value, valueBias: UnsafePointer<Float>
    let attentionOutput, attentionOutputBias, attentionNormGamma, attentionNormBeta: UnsafePointer<Float>
    let intermediate, intermediateBias, output, outputBias, outputNormGamma, outputNormBeta: UnsafePointer<Float>

    init(_ file: SafetensorsFile, layer: Int, _ c: BertConfiguration) throws {
        let prefix = "encoder.layer.\(layer)."
        func tensor(_ name: String, _ shape: [Int]) throws -> UnsafePointer<Float> {
            try file.pointer(prefix + name, shape: shape)
        }
        let square = [c.hidden, c.hidden]
        query = try tensor("attention.self.query.weight", square)
        queryBias = try tensor("attention.self.query.bias", [c.hidden])
        key = try tensor("attention.self.key.weight", square)
        keyBias = try tensor("attention.self.key.bias", [c.hidden])
        value = try tensor("attention.self.value.weight", square)
        valueBias = try tensor("attention.self.value.bias", [c.hidden])
        attentionOutput = try tensor("attention.output.dense.weight", square)
        attentionOutputBias = try tensor("attention.output.dense.bias", [c.hidden])
        attentionNormGamma = try tensor("attention.output.LayerNorm.weight", [c.hidden])
        attentionNormBeta = try tensor("attention.output.LayerNorm.bias", [c.hidden])
        intermediate = try tensor("intermediate.dense.weight", [c.intermediate, c.hidden])
        intermediateBias = try tensor("intermediate.dense.bias", [c.intermediate])
        output = try tensor("output.dense.weight", [c.hidden, c.intermediate])
        outputBias = try tensor("output.dense.bias", [c.hidden])
        outputNormGamma = try tensor("output.LayerNorm.weight", [c.hidden])
        outputNormBeta = try tensor("output.LayerNorm.bias", [c.hidden])
    }
}
