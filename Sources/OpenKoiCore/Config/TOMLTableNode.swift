/// The mutable table tree built while parsing. TOML's redefinition rules depend on how each table
/// came to exist (header, implied by a header, dotted keys), which the finished `TOMLTable` does not
/// need to carry. A class, so that a header can hand back the node later keys are added to.
final class TOMLTableNode {
    enum Origin {
        /// The document itself, or an inline table being built.
        case root
        /// Implied by a longer header (`a` in `[a.b]`); a later `[a]` may still define it.
        case implicit
        /// Defined by `[header]` or as an element of `[[header]]`.
        case header
        /// Created by a dotted key (`a` in `a.b = 1`); only more dotted keys may add to it.
        case dotted
    }

    enum Content {
        case value(TOMLValue)
        case table(TOMLTableNode)
        /// Built by `[[header]]`; static arrays (`a = [...]`) are `.value` and cannot be appended to.
        case tableArray([TOMLTableNode])
    }

    struct Entry {
        var content: Content
        var line: Int
    }

    var origin: Origin
    let line: Int
    private(set) var keys: [String] = []
    private(set) var entries: [String: Entry] = [:]

    init(origin: Origin, line: Int) {
        self.origin = origin
        self.line = line
    }

    func set(_ key: String, _ content: Content, line: Int) {
        if entries[key] == nil { keys.append(key) }
        entries[key] = Entry(content: content, line: line)
    }

    /// Appends an element to an existing array of tables, keeping the line of its first header.
    func append(_ element: TOMLTableNode, toArray key: String) {
        guard let entry = entries[key], case .tableArray(let elements) = entry.content else { return }
        entries[key] = Entry(content: .tableArray(elements + [element]), line: entry.line)
    }

    /// The finished value. Recursion depth is bounded by the parser's nesting limit.
    func table() -> TOMLTable {
        var result = TOMLTable(line: line)
        for key in keys {
            guard let entry = entries[key] else { continue }
            switch entry.content {
            case .value(let value): result.setValue(value, forKey: key, line: entry.line)
            case .table(let node): result.setValue(.table(node.table()), forKey: key, line: entry.line)
            case .tableArray(let nodes):
                result.setValue(.array(nodes.map { .table($0.table()) }), forKey: key, line: entry.line)
            }
        }
        return result
    }
}
