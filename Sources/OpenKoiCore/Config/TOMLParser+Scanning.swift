// Byte-level helpers shared by the TOML parser's parts: lookahead, whitespace, comments, positions.
extension TOMLParser {
    func peek(_ offset: Int = 0) -> UInt8? {
        let index = pos + offset
        return index < bytes.count ? bytes[index] : nil
    }

    /// TOML whitespace is only space and tab; newlines are significant.
    mutating func skipSpaces() {
        while let byte = peek(), byte == TOMLByte.space || byte == TOMLByte.tab { pos += 1 }
    }

    /// Inside arrays, where newlines and comments may appear between values.
    mutating func skipSpacesNewlinesAndComments() throws(TOMLError) {
        while let byte = peek() {
            switch byte {
            case TOMLByte.space, TOMLByte.tab, TOMLByte.newline: pos += 1
            case TOMLByte.carriageReturn where peek(1) == TOMLByte.newline: pos += 2
            case TOMLByte.hash: try skipComment()
            default: return
            }
        }
    }

    /// After a key/value pair or header: optional spaces and comment, then a newline or the end.
    mutating func expectEndOfLine() throws(TOMLError) {
        skipSpaces()
        if peek() == TOMLByte.hash { try skipComment() }
        guard let byte = peek() else { return }
        if byte == TOMLByte.newline {
            pos += 1
        } else if byte == TOMLByte.carriageReturn, peek(1) == TOMLByte.newline {
            pos += 2
        } else {
            throw error("expected a newline, found \(describeNext())")
        }
    }

    /// Consumes `# ...` up to (not including) the line break.
    mutating func skipComment() throws(TOMLError) {
        pos += 1
        while let byte = peek(), byte != TOMLByte.newline {
            if byte == TOMLByte.carriageReturn, peek(1) == TOMLByte.newline { return }
            if TOMLByte.isForbiddenControl(byte) {
                throw error("control character \(describeNext()) is not allowed in a comment")
            }
            pos += 1
        }
    }

    /// Enters an array or inline table, refusing nesting deep enough to threaten the stack.
    mutating func enterNesting() throws(TOMLError) {
        guard depth < Self.maxNesting else {
            throw error("arrays and inline tables nested more than \(Self.maxNesting) deep")
        }
        depth += 1
    }

    // MARK: Positions and messages

    func line(at offset: Int) -> Int { lineIndex(at: offset) + 1 }

    private func lineIndex(at offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low
    }

    func error(_ message: String, at offset: Int? = nil) -> TOMLError {
        let offset = min(offset ?? pos, bytes.count)
        let index = lineIndex(at: offset)
        // Count scalars, not bytes, so the column matches the editor's for non-ASCII text.
        let column = bytes[lineStarts[index]..<offset].reduce(1) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
        return TOMLError(line: index + 1, column: column, message: message)
    }

    /// The next character, quoted for a message ("'x'", "end of input", "U+0007").
    func describeNext() -> String {
        guard let byte = peek() else { return "end of input" }
        switch byte {
        case TOMLByte.newline: return "end of line"
        case TOMLByte.carriageReturn: return "a carriage return"
        case TOMLByte.tab: return "a tab"
        case _ where TOMLByte.isForbiddenControl(byte): return "U+" + NumberText.hex(byte, digits: 4)
        case ..<0x80: return "'\(Character(Unicode.Scalar(byte)))'"
        default:
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
            let end = min(pos + length, bytes.count)
            return "'\(String(decoding: bytes[pos..<end], as: UTF8.self))'"
        }
    }

}

/// Byte constants and classes for the parser, namespaced so they cannot clash with other `UInt8` extensions in Core.
enum TOMLByte {
    static let tab: UInt8 = 0x09
    static let newline: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let quote: UInt8 = 0x22
    static let hash: UInt8 = 0x23
    static let apostrophe: UInt8 = 0x27
    static let plus: UInt8 = 0x2B
    static let comma: UInt8 = 0x2C
    static let minus: UInt8 = 0x2D
    static let dot: UInt8 = 0x2E
    static let colon: UInt8 = 0x3A
    static let equals: UInt8 = 0x3D
    static let leftBracket: UInt8 = 0x5B
    static let backslash: UInt8 = 0x5C
    static let rightBracket: UInt8 = 0x5D
    static let underscore: UInt8 = 0x5F
    static let leftBrace: UInt8 = 0x7B
    static let rightBrace: UInt8 = 0x7D

    static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
    static func isLetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
    static func isBareKey(_ byte: UInt8) -> Bool {
        isDigit(byte) || isLetter(byte) || byte == underscore || byte == minus
    }

    /// Control characters TOML forbids in comments and strings (tab is allowed).
    static func isForbiddenControl(_ byte: UInt8) -> Bool { (byte < 0x20 && byte != tab) || byte == 0x7F }

    static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 0x30...0x39: return UInt32(byte - 0x30)
        case 0x41...0x46: return UInt32(byte - 0x41 + 10)
        case 0x61...0x66: return UInt32(byte - 0x61 + 10)
        default: return nil
        }
    }
}
