/// A TOML table: keys in source order, each with the line it was written on so that config errors
/// can point at it.
///
/// Equality follows TOML semantics (a table is an unordered map): order and line numbers are ignored.
public struct TOMLTable: Sendable {
    /// Keys in the order they were first defined.
    public private(set) var keys: [String] = []
    private var values: [String: TOMLValue] = [:]
    private var lines: [String: Int] = [:]
    /// The 1-based line where the table was defined (its header, its first dotted key, or its `{`);
    /// 0 for tables built in code.
    public var line: Int

    public init(line: Int = 0) {
        self.line = line
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// Reads or replaces a value; assigning `nil` removes the key. New keys get line 0.
    public subscript(key: String) -> TOMLValue? {
        get { values[key] }
        set {
            if let newValue { setValue(newValue, forKey: key, line: lines[key] ?? 0) } else { removeValue(forKey: key) }
        }
    }

    /// The 1-based source line of `key`, or `nil` when the key is absent.
    public func line(of key: String) -> Int? { lines[key] }

    public mutating func setValue(_ value: TOMLValue, forKey key: String, line: Int) {
        if values.updateValue(value, forKey: key) == nil { keys.append(key) }
        lines[key] = line
    }

    public mutating func removeValue(forKey key: String) {
        guard values.removeValue(forKey: key) != nil else { return }
        lines[key] = nil
        keys.removeAll { $0 == key }
    }
}

extension TOMLTable: Hashable {
    public static func == (lhs: TOMLTable, rhs: TOMLTable) -> Bool { lhs.values == rhs.values }
    public func hash(into hasher: inout Hasher) { hasher.combine(values) }
}

extension TOMLTable: Sequence {
    public struct Iterator: IteratorProtocol, Sendable {
        fileprivate let table: TOMLTable
        fileprivate var index = 0

        public mutating func next() -> (key: String, value: TOMLValue)? {
            while index < table.keys.count {
                let key = table.keys[index]
                index += 1
                if let value = table.values[key] { return (key, value) }
            }
            return nil
        }
    }

    public func makeIterator() -> Iterator { Iterator(table: self) }
    public var underestimatedCount: Int { keys.count }
}

extension TOMLTable: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, TOMLValue)...) {
        self.init()
        for (key, value) in elements { self[key] = value }
    }
}
