@_spi(_Unicode) import Swift

/// Hugging Face tokenizers' `BertNormalizer` followed by `BertPreTokenizer`, one Unicode scalar
/// at a time: drop NUL, U+FFFD and control/format/private-use/unassigned characters, map
/// whitespace to a space, put spaces around CJK ideographs, strip accents (NFD, then drop
/// nonspacing marks), lowercase (full per-character mapping, so "İ" gives "i" + U+0307), then
/// split on whitespace and make every punctuation character a word of its own.
///
/// NFD comes from the standard library's own normaliser (`String._nfd`, the `_Unicode` SPI that
/// swift-foundation also builds on): FoundationEssentials has no
/// `decomposedStringWithCanonicalMapping`, and full Foundation would pull in ICU's ~45 MB.
struct BertTextSplitter: Sendable {
    var cleanText = true
    var handleChineseChars = true
    var stripAccents = true
    var lowercase = true

    /// Appends the words of `text` to `words`.
    func words(in text: Substring, into words: inout [[Unicode.Scalar]]) {
        var cleaned = String.UnicodeScalarView()
        var ascii = true
        for scalar in text.unicodeScalars {
            if cleanText {
                if scalar.value == 0 || scalar.value == 0xFFFD || Self.isControl(scalar) { continue }
                if Self.isWhitespace(scalar) {
                    cleaned.append(" ")
                    continue
                }
            }
            if handleChineseChars, Self.isChineseCharacter(scalar) {
                cleaned.append(" ")
                cleaned.append(scalar)
                cleaned.append(" ")
            } else {
                cleaned.append(scalar)
            }
            ascii = ascii && scalar.isASCII
        }
        var word: [Unicode.Scalar] = []
        func emit(_ scalar: Unicode.Scalar) {
            if Self.isWhitespace(scalar) {
                if !word.isEmpty { words.append(word) }
                word.removeAll(keepingCapacity: true)
            } else if Self.isPunctuation(scalar) {
                if !word.isEmpty { words.append(word) }
                word.removeAll(keepingCapacity: true)
                words.append([scalar])
            } else {
                word.append(scalar)
            }
        }
        func lowered(_ scalar: Unicode.Scalar) {
            guard lowercase else { return emit(scalar) }
            if scalar.isASCII {
                let v = scalar.value
                emit((65...90).contains(v) ? Unicode.Scalar(UInt8(v + 32)) : scalar)
            } else if scalar.properties.changesWhenLowercased {
                for piece in scalar.properties.lowercaseMapping.unicodeScalars { emit(piece) }
            } else {
                emit(scalar)
            }
        }
        if stripAccents, !ascii {
            for scalar in String(cleaned)._nfd where scalar.properties.generalCategory != .nonspacingMark {
                lowered(scalar)
            }
        } else {
            for scalar in cleaned { lowered(scalar) }
        }
        if !word.isEmpty { words.append(word) }
    }

    /// Rust's `char::is_whitespace` (the White_Space property), with tab, newline and CR.
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar.properties.isWhitespace
    }

    /// Categories Cc, Cf and Co, except tab, newline and CR (which count as whitespace). Unassigned
    /// code points are kept, as tokenizers does (they end up as `[UNK]`).
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "\t" || scalar == "\n" || scalar == "\r" { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .privateUse, .surrogate: return true
        default: return false
        }
    }

    /// ASCII punctuation (which includes `$+<=>^`|~`) or a Unicode P* category.
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 128 {
            return (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v)
        }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation:
            return true
        default: return false
        }
    }

    /// The CJK Unified Ideograph blocks BERT spaces out (not Hangul, kana or CJK punctuation).
    static func isChineseCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
            0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default: return false
        }
    }
}
