// Values: dispatch on the first character, then arrays and inline tables (the recursive forms).
extension TOMLParser {
    mutating func parseValue() throws(TOMLError) -> TOMLValue {
        guard let byte = peek() else { throw error("expected a value, found end of input") }
        switch byte {
        case TOMLByte.quote, TOMLByte.apostrophe:
            if peek(1) == byte, peek(2) == byte { return .string(try parseMultilineString(delimiter: byte)) }
            return .string(byte == TOMLByte.quote ? try parseBasicString() : try parseLiteralString())
        case TOMLByte.leftBracket: return try parseArray()
        case TOMLByte.leftBrace: return try parseInlineTable()
        case UInt8(ascii: "t"): return try parseKeyword("true", .boolean(true))
        case UInt8(ascii: "f"): return try parseKeyword("false", .boolean(false))
        default: return try parseNumberOrDateTime()
        }
    }

    private mutating func parseKeyword(_ word: String, _ value: TOMLValue) throws(TOMLError) -> TOMLValue {
        let start = pos
        for expected in word.utf8 {
            guard peek() == expected else { throw error("expected a value, found an unknown word", at: start) }
            pos += 1
        }
        if let next = peek(), TOMLByte.isBareKey(next) {
            throw error("expected a value, found an unknown word", at: start)
        }
        return value
    }

    /// `[ v, v, ]`: values of any types, across lines, comments between them, trailing comma allowed.
    private mutating func parseArray() throws(TOMLError) -> TOMLValue {
        let start = pos
        try enterNesting()
        defer { depth -= 1 }
        pos += 1
        var elements: [TOMLValue] = []
        while true {
            try skipSpacesNewlinesAndComments()
            guard let byte = peek() else { throw unterminated("array", openedAt: start) }
            if byte == TOMLByte.rightBracket {
                pos += 1
                return .array(elements)
            }
            elements.append(try parseValue())
            try skipSpacesNewlinesAndComments()
            guard let separator = peek() else { throw unterminated("array", openedAt: start) }
            switch separator {
            case TOMLByte.comma: pos += 1
            case TOMLByte.rightBracket:
                pos += 1
                return .array(elements)
            default: throw error("expected ',' or ']' in array, found \(describeNext())")
            }
        }
    }

    /// `{ k = v, a.b = v }`: one line, no trailing comma (TOML 1.0), closed to later additions.
    private mutating func parseInlineTable() throws(TOMLError) -> TOMLValue {
        let start = pos
        try enterNesting()
        defer { depth -= 1 }
        let table = TOMLTableNode(origin: .root, line: line(at: pos))
        pos += 1
        skipSpaces()
        if peek() == TOMLByte.rightBrace {
            pos += 1
            return .table(table.table())
        }
        while true {
            try parseKeyValue(into: table)
            skipSpaces()
            guard let byte = peek() else { throw unterminated("inline table", openedAt: start) }
            switch byte {
            case TOMLByte.comma:
                pos += 1
                skipSpaces()
                if peek() == TOMLByte.rightBrace { throw error("trailing comma is not allowed in an inline table") }
            case TOMLByte.rightBrace:
                pos += 1
                return .table(table.table())
            case TOMLByte.newline, TOMLByte.carriageReturn:
                throw error("inline tables must be on one line; use a [table] for longer ones")
            default: throw error("expected ',' or '}' in inline table, found \(describeNext())")
            }
        }
    }

    private func unterminated(_ what: String, openedAt offset: Int) -> TOMLError {
        error("unterminated \(what) (opened on line \(line(at: offset)))")
    }
}
