import OpenKoiCore

/// An error a client can act on, rendered as `{"error": {"code", "message", "field"}}` with its
/// HTTP status.
public struct APIError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Status: Int, Sendable {
        case badRequest = 400
        case unauthorized = 401
        case notFound = 404
        case conflict = 409
        case payloadTooLarge = 413
        case unprocessable = 422
        case tooManyRequests = 429
        case internalError = 500
    }

    public var statusCode: Status
    /// Stable, machine-readable (`invalid_json`, `unknown_field`, `queue_full`, …).
    public var code: String
    public var message: String
    /// The request field at fault, when there is one.
    public var field: String?
    /// Seconds a client should wait before retrying (429).
    public var retryAfter: Int?

    public init(_ status: Status, code: String, message: String, field: String? = nil, retryAfter: Int? = nil) {
        self.statusCode = status
        self.code = code
        self.message = message
        self.field = field
        self.retryAfter = retryAfter
    }

    public var description: String { "\(statusCode.rawValue) \(code): \(message)" }

    public var json: JSONValue {
        var error: [String: JSONValue] = ["code": .string(code), "message": .string(message)]
        error["field"] = field.map(JSONValue.string) ?? .null
        return ["error": .object(error)]
    }

    static func notFound(task id: String) -> APIError {
        APIError(.notFound, code: "not_found", message: "Task '\(id)' not found")
    }
}
