import HTTPTypes
import Hummingbird
import NIOCore
import OpenKoiCore

/// What the API's routes read and report beside the queue.
public struct APIConfiguration: Sendable {
    public var version: String
    /// Bearer token every route but health needs; nil: no auth.
    public var token: String?
    /// Largest accepted request body.
    public var maxBodyBytes: Int
    /// Origins a browser page may call from (the reference's list).
    public var allowedOrigins: Set<String>
    public var startedMS: Int64
    public var processID: Int32
    /// Seconds between SSE keep-alive comments while a task is quiet.
    public var keepAliveSeconds: Double

    public init(
        version: String, token: String? = nil, maxBodyBytes: Int = 1 << 20,
        allowedOrigins: Set<String> = APIConfiguration.referenceOrigins, startedMS: Int64 = QueueClock.now(),
        processID: Int32 = 0, keepAliveSeconds: Double = 15
    ) {
        self.version = version
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
        self.maxBodyBytes = maxBodyBytes
        self.allowedOrigins = allowedOrigins
        self.startedMS = startedMS
        self.processID = processID
        self.keepAliveSeconds = keepAliveSeconds
    }

    public static let referenceOrigins: Set<String> = [
        "http://localhost:3000", "http://localhost:5173", "http://127.0.0.1:3000", "http://127.0.0.1:5173",
    ]
}

extension APIError: HTTPResponseError {
    public var status: HTTPResponse.Status { .init(code: statusCode.rawValue) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = JSONResponse.make(json, status: statusCode.rawValue)
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }
}

enum JSONResponse {
    static func make(_ value: JSONValue, status: Int = 200) -> Response {
        Response(
            status: .init(code: status), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: value.jsonString + "\n")))
    }
}

extension HTTPField.Name {
    static let idempotencyKey = known("Idempotency-Key")
    static let lastEventID = known("Last-Event-ID")
    static let idempotentReplayed = known("Idempotent-Replayed")
    static let accelBuffering = known("X-Accel-Buffering")

    /// Names this API uses beyond HTTPTypes' own: valid tokens, so the initializer cannot fail.
    private static func known(_ name: String) -> HTTPField.Name {
        guard let field = HTTPField.Name(name) else { preconditionFailure("invalid header name \(name)") }
        return field
    }
}
