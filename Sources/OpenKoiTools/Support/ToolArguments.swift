import OpenKoiCore

/// A tool call's arguments with lenient, named access.
///
/// Models are sloppy in predictable ways — arguments as a JSON string, numbers as `"10"`, booleans as
/// `"true"` — so those are accepted; anything else fails with a message naming the argument and the
/// expected type, which the model can correct on its next round.
struct ToolArguments: Sendable {
    let tool: String
    private let values: [String: JSONValue]

    init(_ call: ToolCall) throws(ToolFailure) {
        tool = call.name
        switch call.arguments {
        case .object(let object):
            values = object
        case .null:
            values = [:]
        case .string(let text):
            if text.isEmpty {
                values = [:]
            } else if case .object(let object)? = JSONValue.parse(text) {
                values = object
            } else {
                throw ToolFailure("\(call.name): arguments must be a JSON object, got the string \(Self.preview(text))")
            }
        default:
            throw ToolFailure(
                "\(call.name): arguments must be a JSON object, got \(Self.preview(call.arguments.jsonString))")
        }
    }

    func string(_ key: String) throws(ToolFailure) -> String {
        guard let value = try optionalString(key) else {
            throw ToolFailure("\(tool): missing required argument '\(key)' (a string)")
        }
        return value
    }

    func optionalString(_ key: String) throws(ToolFailure) -> String? {
        switch values[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case .number(let number)?:
            // A file literally named "2024" arrives as a number from some models.
            return NumberText.plain(number)
        case let other?: throw mismatch(key, expected: "a string", got: other)
        }
    }

    func optionalInt(_ key: String) throws(ToolFailure) -> Int? {
        switch values[key] {
        case nil, .null?: return nil
        case .number(let number)? where number.rounded() == number && abs(number) < 9e15: return Int(number)
        case .string(let text)?:
            if text.isEmpty { return nil }
            if let number = Int(text) { return number }
            throw mismatch(key, expected: "an integer", got: .string(text))
        case let other?: throw mismatch(key, expected: "an integer", got: other)
        }
    }

    func optionalDouble(_ key: String) throws(ToolFailure) -> Double? {
        switch values[key] {
        case nil, .null?: return nil
        case .number(let number)?: return number
        case .string(let text)?:
            if text.isEmpty { return nil }
            if let number = Double(text) { return number }
            throw mismatch(key, expected: "a number", got: .string(text))
        case let other?: throw mismatch(key, expected: "a number", got: other)
        }
    }

    func optionalBool(_ key: String) throws(ToolFailure) -> Bool? {
        switch values[key] {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        case .string(let text)?:
            switch text.lowercased() {
            case "true", "yes", "1": return true
            case "false", "no", "0", "": return false
            default: throw mismatch(key, expected: "true or false", got: .string(text))
            }
        case .number(let number)? where number == 0 || number == 1: return number == 1
        case let other?: throw mismatch(key, expected: "true or false", got: other)
        }
    }

    private func mismatch(_ key: String, expected: String, got value: JSONValue) -> ToolFailure {
        ToolFailure("\(tool): argument '\(key)' must be \(expected), got \(Self.preview(value.jsonString))")
    }

    private static func preview(_ text: String) -> String {
        text.count > 80 ? String(text.prefix(80)) + "…" : text
    }
}
