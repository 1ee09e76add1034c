/// A TOML 1.0 parser written against bytes, so it needs nothing beyond the standard library.
///
/// It never traps: every malformed input, including truncated text and absurd nesting, becomes a
/// `TOMLError` with a line and column.
public struct TOMLParser: Sendable {
    /// Deepest nesting of tables and arrays accepted; deeper input is an error rather than a stack
    /// overflow in the recursive descent.
    static let maxNesting = 64

    let bytes: [UInt8]
    var pos = 0
    /// Byte offset of the start of each line, for turning offsets into line/column only when needed.
    let lineStarts: [Int]
    /// Current nesting of arrays, inline tables and inline dotted keys.
    var depth = 0

    /// Parses a whole document into its root table.
    public static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
        var parser = TOMLParser(text)
        return try parser.parseDocument()
    }

    private init(_ text: String) {
        var bytes = Array(text.utf8)
        // Editors on Windows like to write a BOM; it is not part of the document.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == TOMLByte.newline { starts.append(offset + 1) }
        self.bytes = bytes
        self.lineStarts = starts
    }

    private mutating func parseDocument() throws(TOMLError) -> TOMLTable {
        let root = TOMLTableNode(origin: .root, line: 1)
        var current = root
        while true {
            skipSpaces()
            guard let byte = peek() else { break }
            switch byte {
            case TOMLByte.hash, TOMLByte.newline, TOMLByte.carriageReturn: break
            case TOMLByte.leftBracket: current = try parseHeader(root: root)
            default: try parseKeyValue(into: current)
            }
            try expectEndOfLine()
        }
        return root.table()
    }

    // MARK: Tables and keys

    private mutating func parseHeader(root: TOMLTableNode) throws(TOMLError) -> TOMLTableNode {
        let start = pos
        let headerLine = line(at: pos)
        pos += 1
        let isArray = peek() == TOMLByte.leftBracket
        if isArray { pos += 1 }
        let path = try parseKeyPath()
        skipSpaces()
        guard peek() == TOMLByte.rightBracket else {
            throw error("expected ']' to close the table header, found \(describeNext())")
        }
        pos += 1
        if isArray {
            guard peek() == TOMLByte.rightBracket else {
                throw error("expected ']]' to close the array-of-tables header")
            }
            pos += 1
        }
        let parent = try descend(into: path.dropLast(), from: root, line: headerLine, at: start)
        return isArray
            ? try openArrayElement(path, in: parent, line: headerLine, at: start)
            : try openTable(path, in: parent, line: headerLine, at: start)
    }

    /// `[a.b]`: a new table, or one so far only implied by a longer header.
    private func openTable(
        _ path: [String], in parent: TOMLTableNode, line: Int, at offset: Int
    ) throws(TOMLError) -> TOMLTableNode {
        let key = path[path.count - 1]
        let name = Self.dotted(path)
        guard let existing = parent.entries[key] else {
            let node = TOMLTableNode(origin: .header, line: line)
            parent.set(key, .table(node), line: line)
            return node
        }
        switch existing.content {
        case .table(let node):
            guard node.origin == .implicit else {
                let how = node.origin == .dotted ? "with dotted keys " : ""
                throw error("table [\(name)] is already defined \(how)on line \(existing.line)", at: offset)
            }
            node.origin = .header
            return node
        case .tableArray:
            throw error("cannot define [\(name)]: it is an array of tables (line \(existing.line))", at: offset)
        case .value(let value):
            throw error(
                "cannot define [\(name)]: it is already \(value.typeNameWithArticle) (line \(existing.line))",
                at: offset)
        }
    }

    /// `[[a.b]]`: a new element appended to the array of tables `a.b`.
    private func openArrayElement(
        _ path: [String], in parent: TOMLTableNode, line: Int, at offset: Int
    ) throws(TOMLError) -> TOMLTableNode {
        let key = path[path.count - 1]
        let name = Self.dotted(path)
        let element = TOMLTableNode(origin: .header, line: line)
        guard let existing = parent.entries[key] else {
            parent.set(key, .tableArray([element]), line: line)
            return element
        }
        switch existing.content {
        case .tableArray: parent.append(element, toArray: key)
        case .table:
            throw error("cannot define [[\(name)]]: it is already a table (line \(existing.line))", at: offset)
        case .value(let value):
            let what = value.typeNameWithArticle
            throw error("cannot define [[\(name)]]: it is already \(what) (line \(existing.line))", at: offset)
        }
        return element
    }

    /// Walks a header's leading keys, creating implied tables and entering the last element of arrays of tables.
    private func descend(
        into path: ArraySlice<String>, from root: TOMLTableNode, line: Int, at offset: Int
    ) throws(TOMLError) -> TOMLTableNode {
        var node = root
        for (index, key) in path.enumerated() {
            guard let entry = node.entries[key] else {
                let child = TOMLTableNode(origin: .implicit, line: line)
                node.set(key, .table(child), line: line)
                node = child
                continue
            }
            switch entry.content {
            case .table(let child): node = child
            case .tableArray(let elements):
                guard let last = elements.last else { throw error("empty array of tables", at: offset) }
                node = last
            case .value(let value):
                let name = Self.dotted(path.prefix(index + 1))
                let what =
                    value.tableValue != nil ? "an inline table, which cannot be extended" : value.typeNameWithArticle
                throw error("cannot add to '\(name)': it is \(what) (line \(entry.line))", at: offset)
            }
        }
        return node
    }

    mutating func parseKeyValue(into table: TOMLTableNode) throws(TOMLError) {
        let start = pos
        let keyLine = line(at: pos)
        let path = try parseKeyPath()
        if depth > 0, depth + path.count > Self.maxNesting {
            throw error("tables nested more than \(Self.maxNesting) deep", at: start)
        }
        skipSpaces()
        guard peek() == TOMLByte.equals else {
            throw error("expected '=' after key '\(Self.dotted(path))', found \(describeNext())")
        }
        pos += 1
        skipSpaces()
        let value = try parseValue()
        try insert(value, at: path, into: table, line: keyLine, at: start)
    }

    /// Adds `a.b.c = value`, creating `a` and `b` as dotted tables; tables defined any other way are
    /// closed to dotted keys.
    private func insert(
        _ value: TOMLValue, at path: [String], into table: TOMLTableNode, line: Int, at offset: Int
    ) throws(TOMLError) {
        var node = table
        for (index, key) in path.dropLast().enumerated() {
            let name = Self.dotted(path.prefix(index + 1))
            guard let entry = node.entries[key] else {
                let child = TOMLTableNode(origin: .dotted, line: line)
                node.set(key, .table(child), line: line)
                node = child
                continue
            }
            switch entry.content {
            case .table(let child) where child.origin == .dotted: node = child
            case .table:
                throw error(
                    "cannot add to table '\(name)' with dotted keys: it was defined by a header on line \(entry.line)",
                    at: offset)
            case .tableArray:
                throw error(
                    "cannot add to '\(name)' with dotted keys: it is an array of tables (line \(entry.line))",
                    at: offset)
            case .value(let existing):
                throw error(
                    "cannot add to '\(name)': it is already \(existing.typeNameWithArticle) (line \(entry.line))",
                    at: offset)
            }
        }
        let key = path[path.count - 1]
        if let entry = node.entries[key] {
            throw error("duplicate key '\(Self.dotted(path))' (first defined on line \(entry.line))", at: offset)
        }
        node.set(key, .value(value), line: line)
    }

    /// `key`, `"quoted key"`, `a . 'b' . c`; never empty.
    private mutating func parseKeyPath() throws(TOMLError) -> [String] {
        var parts: [String] = []
        while true {
            skipSpaces()
            parts.append(try parseSimpleKey())
            if parts.count > Self.maxNesting { throw error("key has more than \(Self.maxNesting) dotted parts") }
            skipSpaces()
            guard peek() == TOMLByte.dot else { return parts }
            pos += 1
        }
    }

    private mutating func parseSimpleKey() throws(TOMLError) -> String {
        switch peek() {
        case TOMLByte.quote: return try parseBasicString()
        case TOMLByte.apostrophe: return try parseLiteralString()
        default:
            let start = pos
            while let byte = peek(), TOMLByte.isBareKey(byte) { pos += 1 }
            guard pos > start else { throw error("expected a key, found \(describeNext())") }
            return String(decoding: bytes[start..<pos], as: UTF8.self)
        }
    }

    static func dotted(_ path: some Collection<String>) -> String {
        path.map { key in
            !key.isEmpty && key.utf8.allSatisfy(TOMLByte.isBareKey) ? key : "\"\(key)\""
        }.joined(separator: ".")
    }
}
