import OpenKoiCore

/// What `WordPieceTokenizer` takes from a Hugging Face tokenizer.json: the normaliser flags, the
/// WordPiece model (vocabulary, `[UNK]`, `##`, word length limit) and the special tokens.
/// Anything that is not a BERT WordPiece pipeline is refused with the field that differs.
struct TokenizerDefinition {
    var vocabulary = Vocabulary()
    var unknownToken = "[UNK]"
    var continuingPrefix = "##"
    var maxInputCharsPerWord = 100
    var splitter = BertTextSplitter()
    var addedTokens: [String: Int32] = [:]

    init(scanner: inout JSONScanner) throws {
        var sawModel = false
        try scanner.members { scanner, key in
            switch key {
            case "model":
                sawModel = true
                try readModel(&scanner)
            case "normalizer":
                let value = try scanner.value()
                try readNormalizer(value, path: scanner.path)
            case "pre_tokenizer":
                let value = try scanner.value()
                guard value.isNull || value["type"]?.stringValue == "BertPreTokenizer" else {
                    throw EmbedderError.unsupported(
                        scanner.path,
                        "pre_tokenizer type \(value["type"]?.stringValue ?? "?") (expected BertPreTokenizer)")
                }
            case "added_tokens":
                for token in try scanner.value().arrayValue ?? [] {
                    if let content = token["content"]?.stringValue, let id = token["id"]?.intValue,
                        token["special"]?.boolValue ?? true
                    {
                        addedTokens[content] = Int32(clamping: id)
                    }
                }
            default:
                try scanner.skipValue()
            }
        }
        guard sawModel else { throw scanner.error("no \"model\" section") }
        guard vocabulary.count > 0 else { throw scanner.error("the WordPiece vocabulary is empty") }
    }

    private mutating func readModel(_ scanner: inout JSONScanner) throws {
        var type: String?
        try scanner.members { scanner, key in
            switch key {
            case "type": type = try scanner.string()
            case "unk_token": unknownToken = try scanner.string()
            case "continuing_subword_prefix": continuingPrefix = try scanner.string()
            case "max_input_chars_per_word": maxInputCharsPerWord = try scanner.integer()
            case "vocab":
                vocabulary = Vocabulary(reservingCapacity: 32768)
                try scanner.integerMembers { token, id in vocabulary.insert(token, id: Int32(id)) }
            default: try scanner.skipValue()
            }
        }
        guard type == nil || type == "WordPiece" else {
            throw EmbedderError.unsupported(scanner.path, "model type \(type ?? "?") (expected WordPiece)")
        }
    }

    private mutating func readNormalizer(_ value: JSONValue, path: String) throws {
        guard !value.isNull else {
            splitter = BertTextSplitter(
                cleanText: false, handleChineseChars: false, stripAccents: false, lowercase: false)
            return
        }
        guard value["type"]?.stringValue == "BertNormalizer" else {
            throw EmbedderError.unsupported(
                path, "normalizer type \(value["type"]?.stringValue ?? "?") (expected BertNormalizer)")
        }
        let lowercase = value["lowercase"]?.boolValue ?? true
        splitter = BertTextSplitter(
            cleanText: value["clean_text"]?.boolValue ?? true,
            handleChineseChars: value["handle_chinese_chars"]?.boolValue ?? true,
            // null means "as lowercase", as in tokenizers' BertNormalizer
            stripAccents: value["strip_accents"]?.boolValue ?? lowercase,
            lowercase: lowercase)
    }
}
