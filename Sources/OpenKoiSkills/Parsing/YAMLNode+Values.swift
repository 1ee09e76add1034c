import OpenKoiCore

/// Reading frontmatter values the way YAML means them: unquoted `~`, `true` and `12` are null, a
/// boolean and a number; quoted ones stay text.
extension YAMLNode {
    /// An unquoted empty value, `~` or `null` (`description:` with nothing after it).
    var isNull: Bool {
        guard case .scalar(let text, _, true) = self else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(text)
    }

    /// Text of a scalar that is not null.
    var text: String? { isNull ? nil : scalar }

    /// `true`/`false` (also `yes`/`no`, as YAML 1.1 and OpenClaw's files write them); nil otherwise.
    var bool: Bool? {
        guard let text = scalar?.lowercased() else { return nil }
        if ["true", "yes", "on"].contains(text) { return true }
        if ["false", "no", "off"].contains(text) { return false }
        return nil
    }

    /// A list of strings, also written as one string (`os: darwin` means `os: [darwin]`); nil for
    /// mappings and for lists holding anything but scalars.
    var stringList: [String]? {
        if isNull { return [] }
        if case .scalar(let text, _, _) = self { return text.trimmed.isEmpty ? [] : [text.trimmed] }
        guard let items else { return nil }
        var list: [String] = []
        for item in items {
            guard let text = item.scalar else { return nil }
            if !item.isNull, !text.trimmed.isEmpty { list.append(text.trimmed) }
        }
        return list
    }

    /// The value as JSON, for the free-form parts of a SKILL.md (`trigger.schedule`,
    /// `metadata.openclaw`, `metadata.openkoi`) that are kept as written.
    var json: JSONValue {
        switch self {
        case .scalar(let text, _, let plain):
            guard plain else { return .string(text) }
            if isNull { return .null }
            if let bool { return .bool(bool) }
            if let number = Self.number(text) { return .number(number) }
            return .string(text)
        case .sequence(let items, _):
            return .array(items.map(\.json))
        case .mapping(let pairs, _):
            var object: [String: JSONValue] = [:]
            // The first of repeated keys wins, as in `subscript(key:)`.
            for pair in pairs where object[pair.key] == nil { object[pair.key] = pair.value.json }
            return .object(object)
        }
    }

    /// Decimal numbers only: `Double("inf")`, `"nan"` and `"0x1p3"` parse in Swift but are text in YAML.
    static func number(_ text: String) -> Double? {
        guard let first = text.first, first.isNumber || first == "-" || first == "+" || first == ".",
            text.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE_".contains($0)) }),
            let value = Double(text.replacing("_", with: "")), value.isFinite
        else { return nil }
        return value
    }
}
