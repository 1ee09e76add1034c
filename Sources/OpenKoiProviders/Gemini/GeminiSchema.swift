import OpenKoiCore

/// Turns a JSON Schema (tool parameters, a structured-output schema) into the OpenAPI 3.0 subset Gemini
/// accepts: it answers 400 "Unknown name" for any other key (`additionalProperties`, `$schema`, `$ref`, …),
/// so unsupported keys are dropped at every level rather than failing the whole request.
enum GeminiSchema {
    /// The fields of Gemini's `Schema` object.
    static let supportedKeys: Set<String> = [
        "type", "format", "title", "description", "nullable", "enum", "items", "minItems", "maxItems",
        "properties", "required", "minProperties", "maxProperties", "minLength", "maxLength", "pattern",
        "example", "anyOf", "propertyOrdering", "default", "minimum", "maximum",
    ]

    /// Formats the Gemini API accepts; others (`uri`, `email`, …) are rejected, not ignored.
    static let supportedFormats: Set<String> = ["enum", "date-time", "float", "double", "int32", "int64"]

    static func sanitized(_ schema: JSONValue) -> JSONValue {
        guard let fields = schema.objectValue else { return schema }
        var out: [String: JSONValue] = [:]
        for (key, value) in fields where supportedKeys.contains(key) {
            switch key {
            case "properties":
                // Keys here are property names, not schema keywords: keep them all.
                out[key] = .object((value.objectValue ?? [:]).mapValues(sanitized))
            case "items":
                out[key] = sanitized(value)
            case "anyOf":
                out[key] = .array((value.arrayValue ?? []).map(sanitized))
            case "type":
                // JSON Schema's `["string", "null"]` is OpenAPI's single type plus `nullable`.
                if let types = value.arrayValue {
                    let named = types.compactMap(\.stringValue)
                    if let first = named.first(where: { $0 != "null" }) { out["type"] = .string(first) }
                    if named.contains("null") { out["nullable"] = true }
                } else {
                    out[key] = value
                }
            case "format":
                if let format = value.stringValue, supportedFormats.contains(format) { out[key] = value }
            case "enum":
                // Gemini's enum holds strings only.
                if let cases = value.arrayValue, cases.allSatisfy({ $0.stringValue != nil }) { out[key] = value }
            default:
                out[key] = value
            }
        }
        // A required name with no property is a 400 too (it happens once a property was dropped upstream).
        if let required = out["required"]?.arrayValue, let properties = out["properties"]?.objectValue {
            out["required"] = .array(required.filter { $0.stringValue.map { properties[$0] != nil } ?? false })
        }
        return .object(out)
    }

    /// Function parameters, or `nil` for a tool that takes none: Gemini rejects an object schema with
    /// empty `properties`, so such a declaration goes without `parameters`.
    static func parameters(_ schema: JSONValue) -> JSONValue? {
        let clean = sanitized(schema)
        guard let properties = clean["properties"]?.objectValue, !properties.isEmpty else { return nil }
        return clean
    }
}
