// The four TOML string forms. Content is gathered as UTF-8 bytes: the input is valid UTF-8 and
// every cut falls on an ASCII delimiter, so decoding the bytes back can never lose text.
extension TOMLParser {
    /// `"..."` with escapes, on one line.
    mutating func parseBasicString() throws(TOMLError) -> String {
        let start = pos
        pos += 1
        var content: [UInt8] = []
        while true {
            guard let byte = peek() else { throw error("unterminated string", at: start) }
            switch byte {
            case TOMLByte.quote:
                pos += 1
                return String(decoding: content, as: UTF8.self)
            case TOMLByte.backslash: try parseEscape(into: &content)
            case TOMLByte.newline, TOMLByte.carriageReturn:
                throw error("unterminated string: line ended before the closing '\"'", at: start)
            default:
                guard !TOMLByte.isForbiddenControl(byte) else { throw controlCharacterError() }
                content.append(byte)
                pos += 1
            }
        }
    }

    /// `'...'`, taken verbatim, on one line.
    mutating func parseLiteralString() throws(TOMLError) -> String {
        let start = pos
        pos += 1
        let contentStart = pos
        while true {
            guard let byte = peek() else { throw error("unterminated string", at: start) }
            if byte == TOMLByte.apostrophe {
                pos += 1
                return String(decoding: bytes[contentStart..<(pos - 1)], as: UTF8.self)
            }
            if byte == TOMLByte.newline || byte == TOMLByte.carriageReturn {
                throw error("unterminated string: line ended before the closing \"'\"", at: start)
            }
            guard !TOMLByte.isForbiddenControl(byte) else { throw controlCharacterError() }
            pos += 1
        }
    }

    /// `"""..."""` (escapes, line-ending backslash) or `'''...'''` (verbatim).
    mutating func parseMultilineString(delimiter: UInt8) throws(TOMLError) -> String {
        let start = pos
        let escapes = delimiter == TOMLByte.quote
        pos += 3
        // A newline right after the opening delimiter is not part of the string.
        if peek() == TOMLByte.newline {
            pos += 1
        } else if peek() == TOMLByte.carriageReturn, peek(1) == TOMLByte.newline {
            pos += 2
        }
        var content: [UInt8] = []
        while true {
            guard let byte = peek() else { throw error("unterminated multi-line string", at: start) }
            switch byte {
            case delimiter:
                var run = 1
                while peek(run) == delimiter { run += 1 }
                guard run >= 3 else {
                    content.append(contentsOf: repeatElement(delimiter, count: run))
                    pos += run
                    continue
                }
                // Up to two quote characters may sit just inside the closing delimiter.
                guard run <= 5 else { throw error("too many quote characters at the end of a multi-line string") }
                content.append(contentsOf: repeatElement(delimiter, count: run - 3))
                pos += run
                return String(decoding: content, as: UTF8.self)
            case TOMLByte.backslash where escapes:
                if try !skipLineEndingBackslash() { try parseEscape(into: &content) }
            case TOMLByte.newline:
                content.append(byte)
                pos += 1
            case TOMLByte.carriageReturn where peek(1) == TOMLByte.newline:
                content.append(TOMLByte.newline)
                pos += 2
            default:
                guard !TOMLByte.isForbiddenControl(byte) else { throw controlCharacterError() }
                content.append(byte)
                pos += 1
            }
        }
    }

    /// A `\` that ends a line swallows the line break and all whitespace after it; returns false if
    /// this backslash starts an ordinary escape instead.
    private mutating func skipLineEndingBackslash() throws(TOMLError) -> Bool {
        var index = pos + 1
        while index < bytes.count, bytes[index] == TOMLByte.space || bytes[index] == TOMLByte.tab { index += 1 }
        let atLineEnd =
            index < bytes.count
            && (bytes[index] == TOMLByte.newline
                || (bytes[index] == TOMLByte.carriageReturn && index + 1 < bytes.count
                    && bytes[index + 1] == TOMLByte.newline))
        guard atLineEnd else { return false }
        pos = index
        while let byte = peek() {
            if byte == TOMLByte.space || byte == TOMLByte.tab || byte == TOMLByte.newline {
                pos += 1
            } else if byte == TOMLByte.carriageReturn, peek(1) == TOMLByte.newline {
                pos += 2
            } else {
                break
            }
        }
        return true
    }

    private mutating func parseEscape(into content: inout [UInt8]) throws(TOMLError) {
        let start = pos
        pos += 1
        guard let code = peek() else { throw error("unterminated string", at: start) }
        pos += 1
        switch code {
        case UInt8(ascii: "b"): content.append(0x08)
        case UInt8(ascii: "t"): content.append(0x09)
        case UInt8(ascii: "n"): content.append(0x0A)
        case UInt8(ascii: "f"): content.append(0x0C)
        case UInt8(ascii: "r"): content.append(0x0D)
        case TOMLByte.quote, TOMLByte.backslash: content.append(code)
        case UInt8(ascii: "u"): try parseUnicodeEscape(digits: 4, start: start, into: &content)
        case UInt8(ascii: "U"): try parseUnicodeEscape(digits: 8, start: start, into: &content)
        case TOMLByte.newline, TOMLByte.carriageReturn:
            throw error("a backslash at the end of a line is only allowed in multi-line strings", at: start)
        default:
            pos -= 1
            throw error("invalid escape sequence '\\\(describeNext().trimmingQuotes)'", at: start)
        }
    }

    private mutating func parseUnicodeEscape(digits: Int, start: Int, into content: inout [UInt8]) throws(TOMLError) {
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard let byte = peek(), let digit = TOMLByte.hexValue(byte) else {
                throw error("invalid unicode escape: expected \(digits) hex digits", at: start)
            }
            value = value << 4 | digit
            pos += 1
        }
        guard let scalar = Unicode.Scalar(value) else {
            throw error(
                "invalid unicode escape: U+\(NumberText.hex(value, digits: 4)) is not a Unicode scalar value", at: start
            )
        }
        content.append(contentsOf: String(Character(scalar)).utf8)
    }

    private func controlCharacterError() -> TOMLError {
        error("control character \(describeNext()) must be escaped in a string")
    }
}

extension String {
    /// `'x'` → `x`, for reusing `describeNext()` inside a quoted message.
    fileprivate var trimmingQuotes: String {
        hasPrefix("'") && hasSuffix("'") && count >= 2 ? String(dropFirst().dropLast()) : self
    }
}
