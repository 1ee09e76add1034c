/// One TOML value. Datetimes keep their source text: nothing in OpenKoi computes with them, and
/// FoundationEssentials has no calendar-free parser worth its cost at startup.
public enum TOMLValue: Sendable, Hashable {
    case string(String)
    case integer(Int64)
    case float(Double)
    case boolean(Bool)
    /// An offset datetime, local datetime, local date or local time, exactly as written.
    case datetime(String)
    case array([TOMLValue])
    case table(TOMLTable)
}

extension TOMLValue {
    /// The TOML name of this value's type, for error messages ("expected an integer, got string").
    public var typeName: String {
        switch self {
        case .string: return "string"
        case .integer: return "integer"
        case .float: return "float"
        case .boolean: return "boolean"
        case .datetime: return "datetime"
        case .array: return "array"
        case .table: return "table"
        }
    }

    /// "an integer", "a string": for messages.
    var typeNameWithArticle: String {
        switch self {
        case .integer, .array: return "an \(typeName)"
        default: return "a \(typeName)"
        }
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }
    public var integerValue: Int64? {
        if case .integer(let i) = self { return i }
        return nil
    }
    public var boolValue: Bool? {
        if case .boolean(let b) = self { return b }
        return nil
    }
    public var arrayValue: [TOMLValue]? {
        if case .array(let a) = self { return a }
        return nil
    }
    public var tableValue: TOMLTable? {
        if case .table(let t) = self { return t }
        return nil
    }

    /// The value as a `Double`; integers convert, because `timeout = 30` means 30.0 to a person.
    public var doubleValue: Double? {
        switch self {
        case .float(let d): return d
        case .integer(let i): return Double(i)
        default: return nil
        }
    }
}

extension TOMLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .float(value) }
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
    public init(arrayLiteral elements: TOMLValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, TOMLValue)...) {
        var table = TOMLTable()
        for (key, value) in elements { table[key] = value }
        self = .table(table)
    }
}
