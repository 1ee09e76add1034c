import Testing

@testable import OpenKoiMemory

/// A text and the ids Hugging Face `tokenizers` 0.23.3 gives for it with the model's
/// tokenizer.json (truncation 256, no padding): scripts/embedder/reference.py.
private struct ReferenceRow {
    let text: String
    let ids: String
    init(_ text: String, _ ids: String) {
        self.text = text
        self.ids = ids
    }
}

private let referenceRows: [ReferenceRow] = [
    ReferenceRow("Hello, world!", "101 7592 1010 2088 999 102"),
    ReferenceRow(
        "How do I fix a failing unit test in Python?", "101 2129 2079 1045 8081 1037 7989 3131 3231 1999 18750 1029 102"
    ),
    ReferenceRow("Café", "101 7668 102"),
    ReferenceRow("naïve", "101 15743 102"),
    ReferenceRow("ÅNGSTRÖM", "101 17076 15687 102"),
    ReferenceRow(
        "Refactor `parseConfig()` to return Result<Config, Error> instead of throwing",
        "101 25416 18908 2953 1036 11968 3366 8663 8873 2290 1006 1007 1036 2000 2709 2765 1026 9530 8873 2290 1010 7561 1028 2612 1997 6886 102"
    ),
    ReferenceRow("你好世界 mixed with English", "101 100 100 1745 100 3816 2007 2394 102"),
    ReferenceRow(
        "Ünïcödé façade résumé — “smart quotes” and naïveté…",
        "101 27260 8508 13746 1517 1523 6047 16614 1524 1998 15743 2618 1529 102"),
    ReferenceRow("tab\tseparated\nnew line\r\nand   spaces", "101 21628 5459 2047 2240 1998 7258 102"),
    ReferenceRow(
        "supercalifragilisticexpialidocious antidisestablishmentarianism",
        "101 3565 9289 10128 29181 24411 4588 10288 19312 21273 10085 6313 3424 10521 4355 7875 13602 3672 12199 2964 102"
    ),
    ReferenceRow(String(repeating: "x", count: 101) + " ok", "101 100 7929 102"),
    ReferenceRow(
        "emoji 🚀 and control\u{07}chars \u{200B}zero\u{AD}width \u{FFFD}",
        "101 7861 29147 2072 100 1998 2491 7507 2869 5717 9148 11927 2232 102"),
    ReferenceRow(
        "[CLS] special [SEP] tokens[MASK]inside [unused1]",
        "101 101 2569 102 19204 2015 103 2503 1031 15171 2487 1033 102"),
    ReferenceRow("ﬁnancial İstanbul straße Ⅻ ½", "101 1984 7229 13247 9960 2358 27807 100 1092 102"),
    ReferenceRow(
        "Fix bug #1234: TypeError: 'NoneType' object is not subscriptable at line 42",
        "101 8081 11829 1001 13138 2549 1024 2828 2121 29165 1024 1005 3904 13874 1005 4874 2003 2025 4942 22483 3085 2012 2240 4413 102"
    ),
    ReferenceRow(
        "한국어 Ελληνικά Привет й",
        "101 1469 30006 30021 29991 30014 30020 29999 30008 1159 29727 29727 24824 16177 18199 29726 14608 1194 16856 10325 25529 15290 22919 1188 102"
    ),
    ReferenceRow("", "101 102"),
    ReferenceRow("   ", "101 102"),
    ReferenceRow("e\u{301} combining + ø Ł đ ħ", "101 1041 11566 1009 1100 1105 1102 1103 102"),
]

struct WordPieceTokenizerTests {
    @Test func idsMatchTheReferenceTokenizer() throws {
        let tokenizer = try WordPieceTokenizer(contentsOf: try InstalledModel.require() + "/tokenizer.json")
        for row in referenceRows {
            let expected = row.ids.split(separator: " ").compactMap { Int32($0) }
            #expect(tokenizer.encode(row.text) == expected, "\(row.text.debugDescription)")
        }
    }

    @Test func accentsAreStrippedFromPrecomposedLetters() throws {
        let tokenizer = try WordPieceTokenizer(contentsOf: try InstalledModel.require() + "/tokenizer.json")
        // precomposed and decomposed spellings are the same word once accents go
        #expect(tokenizer.encode("Café") == tokenizer.encode("cafe"))
        #expect(tokenizer.encode("Cafe\u{301}") == tokenizer.encode("cafe"))
        #expect(tokenizer.encode("ÅNGSTRÖM") == tokenizer.encode("angstrom"))
    }

    @Test func longTextsAreCutToTheMaximumLength() throws {
        let tokenizer = try WordPieceTokenizer(contentsOf: try InstalledModel.require() + "/tokenizer.json")
        let ids = tokenizer.encode(String(repeating: "word ", count: 400))
        #expect(ids.count == 256)
        #expect(ids.first == 101)
        #expect(ids.last == 102)
        #expect(tokenizer.encode("one two three four", maxLength: 4) == [101, 2028, 2048, 102])
    }

    @Test func wordPieceRulesOnASmallVocabulary() throws {
        let directory = try TemporaryDirectory()
        let tokenizer = try WordPieceTokenizer(contentsOf: try directory.write("tokenizer.json", miniTokenizerJSON()))
        #expect(tokenizer.encode("unaffable") == [2, 4, 5, 6, 3])
        #expect(tokenizer.encode("Hello, UNAFFABLE") == [2, 7, 8, 4, 5, 6, 3])
        // no split into known pieces: the whole word is [UNK], not the pieces found so far
        #expect(tokenizer.encode("unaffablex hello") == [2, 1, 7, 3])
        #expect(tokenizer.encode("abb") == [2, 12, 15, 15, 3])
        // escaped vocabulary entries are decoded
        #expect(tokenizer.vocabulary.id(of: "été") == 10)
        #expect(tokenizer.vocabulary.id(of: "say \"hi\"") == 11)
        #expect(tokenizer.encode("a b c", maxLength: 3) == [2, 12, 3])
        #expect(tokenizer.encode("a b c", maxLength: 0) == [2, 3])
    }

    @Test func wordsOverTheLengthLimitAreUnknown() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("tokenizer.json", miniTokenizerJSON(maxInputCharsPerWord: 4))
        let tokenizer = try WordPieceTokenizer(contentsOf: path)
        #expect(tokenizer.encode("cafe") == [2, 9, 3])
        #expect(tokenizer.encode("abbbb") == [2, 1, 3])
    }

    @Test func malformedTokenizerFileIsNamedWithItsPosition() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("tokenizer.json", "{\"model\": {\"vocab\": {\"a\": 1,\n \"b\" 2}}}")
        let error = try #require(throws: EmbedderError.self) { try WordPieceTokenizer(contentsOf: path) }
        #expect(error.description.contains(path))
        #expect(error.description.contains("line 2, column 6"))
        #expect(error.description.contains("expected ':'"))
    }

    @Test func unsupportedPipelinesAndMissingFilesAreRefused() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("tokenizer.json", miniTokenizerJSON(normalizerType: "NFKC"))
        let unsupported = try #require(throws: EmbedderError.self) { try WordPieceTokenizer(contentsOf: path) }
        #expect(unsupported.description == "\(path): normalizer type NFKC (expected BertNormalizer)")
        let missing = try #require(throws: EmbedderError.self) {
            try WordPieceTokenizer(contentsOf: directory.path + "/none.json")
        }
        #expect(missing.description.contains(directory.path + "/none.json"))
        #expect(missing.description.contains("scripts/embedder/install.sh"))
        let truncated = try directory.write("cut.json", String(miniTokenizerJSON().prefix(500)))
        #expect(throws: EmbedderError.self) { try WordPieceTokenizer(contentsOf: truncated) }
    }
}
