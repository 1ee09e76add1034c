import HTTPTypes
import Hummingbird
import NIOCore
import OpenKoiCore

/// Auth, CORS and error rendering for every route: a bearer token compared in constant time (health
/// is open), the reference's CORS origins, and every error as `{"error": {code, message, field}}`
/// (unknown routes and framework errors included). Requests are logged by method, path and status.
struct APIMiddleware<Context: RequestContext>: RouterMiddleware {
    let configuration: APIConfiguration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let origin = request.headers[.origin].flatMap { configuration.allowedOrigins.contains($0) ? $0 : nil }
        if request.method == .options, origin != nil {
            return cors(Response(status: .noContent), origin: origin, preflight: true)
        }
        var response: Response
        do {
            try authorize(request)
            response = try await next(request, context)
        } catch let error as APIError {
            response = try error.response(from: request, context: context)
        } catch let error as any HTTPResponseError {
            if error.status == .notFound, let allowed = TaskAPI.allowedMethods(for: request.uri.path) {
                response = Self.render(.methodNotAllowed, request: request)
                response.headers[.allow] = allowed.joined(separator: ", ")
            } else {
                response = Self.render(error.status, request: request)
            }
        } catch {
            DaemonLog.error("\(request.method) \(request.uri.path): \(error)")
            response = try APIError(.internalError, code: "internal_error", message: "internal error: \(error)")
                .response(from: request, context: context)
        }
        return cors(response, origin: origin, preflight: false)
    }

    func authorize(_ request: Request) throws(APIError) {
        guard let token = configuration.token, request.uri.path != "/api/v1/health" else { return }
        let presented = request.headers[.authorization] ?? ""
        guard presented.hasPrefix("Bearer "),
            Self.constantTimeEqual(Array(presented.utf8.dropFirst(7)), Array(token.utf8))
        else {
            throw APIError(.unauthorized, code: "unauthorized", message: "Invalid or missing bearer token")
        }
    }

    /// Compares every byte whatever the first difference, so timing tells nothing about the token.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }

    static func render(_ status: HTTPResponse.Status, request: Request) -> Response {
        let (code, message): (String, String) =
            switch status.code {
            case 404: ("not_found", "no route \(request.method) \(request.uri.path)")
            case 405: ("method_not_allowed", "\(request.method) is not allowed on \(request.uri.path)")
            case 413: ("payload_too_large", "the request body is larger than the API accepts")
            default: ("http_\(status.code)", status.reasonPhrase)
            }
        let body: JSONValue = ["error": ["code": .string(code), "message": .string(message), "field": .null]]
        return JSONResponse.make(body, status: status.code)
    }

    func cors(_ response: Response, origin: String?, preflight: Bool) -> Response {
        guard let origin else { return response }
        var response = response
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.vary] = "Origin"
        if preflight {
            response.headers[.accessControlAllowMethods] = "GET, POST, OPTIONS"
            response.headers[.accessControlAllowHeaders] = "Authorization, Content-Type, Idempotency-Key, Last-Event-ID"
            response.headers[.accessControlMaxAge] = "600"
        }
        return response
    }
}
