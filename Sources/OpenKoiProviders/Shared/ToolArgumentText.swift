import OpenKoiCore

/// A tool call's arguments as wire text (what a provider streams and is sent back) and as a
/// `JSONValue`; reading them by name for a tool is `OpenKoiTools.ToolArguments`.
enum ToolArgumentText {
    /// Empty text means "no arguments"; text that is not JSON is kept as `.string` so the tool executor can
    /// tell the model its arguments were malformed instead of the whole answer failing.
    static func parse(_ raw: String) -> JSONValue {
        if raw.allSatisfy(\.isWhitespace) { return .object([:]) }
        return JSONValue.parse(raw) ?? .string(raw)
    }

    /// The wire text for arguments we send back: raw text the model produced stays byte-for-byte.
    static func text(_ arguments: JSONValue) -> String {
        if case .string(let raw) = arguments { return raw }
        return arguments.jsonString
    }
}
