import FoundationEssentials
import OpenKoiCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// BERT's WordPiece tokenizer, built from a Hugging Face `tokenizer.json`, giving the same ids as
/// the `tokenizers` library that sentence-transformers runs (checked in WordPieceTokenizerTests).
///
/// Text is split on the special tokens first (`[CLS]`, `[SEP]`, … typed in the text are those
/// tokens, as in the reference), then normalised and cut into words by `BertTextSplitter`, then
/// each word becomes its longest vocabulary pieces, `##`-prefixed after the first; a word longer
/// than `maxInputCharsPerWord` or with no split into pieces becomes `[UNK]`.
public struct WordPieceTokenizer: Sendable {
    /// sentence-transformers' `max_seq_length` for all-MiniLM-L6-v2.
    public static let defaultMaxLength = 256

    let vocabulary: Vocabulary
    let splitter: BertTextSplitter
    /// UTF-8 of the mark on pieces after a word's first ("##").
    let continuingPrefix: [UInt8]
    let maxInputCharsPerWord: Int
    let unknownID: Int32
    let classifierID: Int32
    let separatorID: Int32
    /// Special tokens matched in the raw text, longest first.
    let specialTokens: [(text: [UInt8], id: Int32)]

    /// Reads `path` (a tokenizer.json with a BertNormalizer, BertPreTokenizer and WordPiece model).
    public init(contentsOf path: String) throws {
        let bytes = try Self.read(path)
        self = try bytes.withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(bytes: buffer, path: path)
            return try Self(definition: TokenizerDefinition(scanner: &scanner), path: path)
        }
    }

    private init(definition: TokenizerDefinition, path: String) throws {
        func id(_ token: String) throws -> Int32 {
            guard let id = definition.vocabulary.id(of: token) else {
                throw EmbedderError.unsupported(path, "the vocabulary has no \(token) token")
            }
            return id
        }
        vocabulary = definition.vocabulary
        splitter = definition.splitter
        continuingPrefix = Array(definition.continuingPrefix.utf8)
        maxInputCharsPerWord = definition.maxInputCharsPerWord
        unknownID = try id(definition.unknownToken)
        classifierID = try id("[CLS]")
        separatorID = try id("[SEP]")
        specialTokens = definition.addedTokens.map { (Array($0.key.utf8), $0.value) }
            .filter { !$0.0.isEmpty }.sorted { $0.0.count > $1.0.count }
    }

    /// The largest id in the vocabulary (the model must have an embedding row for each).
    var largestID: Int32 { max(vocabulary.largestID, specialTokens.map(\.id).max() ?? 0) }

    /// `[CLS] pieces… [SEP]`, with the pieces cut so the whole fits in `maxLength` (at least 2).
    public func encode(_ text: String, maxLength: Int = defaultMaxLength) -> [Int32] {
        let budget = max(maxLength, 2) - 2
        var ids: [Int32] = [classifierID]
        ids.reserveCapacity(min(budget, text.utf8.count) + 2)
        var words: [[Unicode.Scalar]] = []
        forEachSegment(of: text) { segment, special in
            if let special {
                ids.append(special)
                return ids.count - 1 < budget
            }
            words.removeAll(keepingCapacity: true)
            splitter.words(in: segment, into: &words)
            for word in words {
                appendPieces(of: word, to: &ids)
                if ids.count - 1 >= budget { return false }
            }
            return true
        }
        if ids.count - 1 > budget { ids.removeLast(ids.count - 1 - budget) }
        ids.append(separatorID)
        return ids
    }

    /// Splits `text` at special tokens: `body(text, nil)` for plain runs, `body("", id)` for a token.
    /// Stops when `body` returns false.
    private func forEachSegment(of text: String, _ body: (Substring, Int32?) -> Bool) {
        guard !specialTokens.isEmpty else {
            _ = body(Substring(text), nil)
            return
        }
        let utf8 = text.utf8
        var runStart = utf8.startIndex
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            let match = specialTokens.first { $0.text[0] == byte && utf8[index...].starts(with: $0.text) }
            guard let match else {
                index = utf8.index(after: index)
                continue
            }
            if runStart != index, !body(text[runStart..<index], nil) { return }
            if !body("", match.id) { return }
            index = utf8.index(index, offsetBy: match.text.count)
            runStart = index
        }
        if runStart != utf8.endIndex { _ = body(text[runStart...], nil) }
    }

    /// Greedy longest-match-first, on UTF-8 bytes cut at scalar boundaries.
    private func appendPieces(of word: [Unicode.Scalar], to ids: inout [Int32]) {
        guard word.count <= maxInputCharsPerWord else {
            ids.append(unknownID)
            return
        }
        var utf8: [UInt8] = []
        var boundaries = [0]  // byte offset where each scalar starts, then the end
        for scalar in word {
            UTF8.encode(scalar) { utf8.append($0) }
            boundaries.append(utf8.count)
        }
        let firstPiece = ids.count
        var candidate = continuingPrefix
        var start = 0
        while start < word.count {
            var end = word.count
            var found: Int32?
            while start < end {
                let piece = boundaries[start]..<boundaries[end]
                if start == 0 {
                    found = utf8.withUnsafeBufferPointer { vocabulary.id(of: UnsafeBufferPointer(rebasing: $0[piece])) }
                } else {
                    candidate.removeSubrange(continuingPrefix.count...)
                    candidate.append(contentsOf: utf8[piece])
                    found = candidate.withUnsafeBufferPointer { vocabulary.id(of: $0) }
                }
                if found != nil { break }
                end -= 1
            }
            guard let found else {
                ids.removeLast(ids.count - firstPiece)
                ids.append(unknownID)
                return
            }
            ids.append(found)
            start = end
        }
    }

    private static func read(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw EmbedderError.corrupt(path, "the file does not exist") }
            throw EmbedderError.unreadable(path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        guard let bytes = FileDescriptorIO.readAll(fd) else {
            throw EmbedderError.unreadable(path, reason: String(cString: strerror(errno)))
        }
        return bytes
    }
}
