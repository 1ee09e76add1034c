import FoundationEssentials
import OpenKoiCore

/// What a 2xx chat response carries, judged by its `Content-Type`: the event stream that was asked
/// for, a whole JSON answer (a host that ignores `stream: true`), or something else — an HTML page
/// from a proxy or captive portal — that is reported as such rather than as a broken stream.
enum StreamedBody {
    case eventStream
    case json
    case other(contentType: String)

    init(_ head: HTTPResponseHead) {
        let type = (head.headers["content-type"] ?? "").lowercased()
        if type.isEmpty || type.contains("event-stream") || type.contains("ndjson") {
            self = .eventStream
        } else if type.contains("json") {
            self = .json
        } else {
            self = .other(contentType: type)
        }
    }

    /// The largest non-streamed answer read (a whole completion is far smaller).
    static let jsonLimit = 16 << 20

    /// Reads a non-streamed JSON answer, failing plainly when it is too large or not JSON.
    static func json(_ response: HTTPStreamingResponse, provider: String) async throws -> JSONValue {
        let data = try await response.collectBody(limit: jsonLimit)
        guard data.count <= jsonLimit else {
            throw ProviderError.malformed(provider, "the non-streamed answer exceeds \(jsonLimit >> 20) MiB")
        }
        guard let json = JSONValue.parse(String(decoding: data, as: UTF8.self)), json.objectValue != nil else {
            throw ProviderError.malformed(
                provider, "the server sent a JSON content type but the body is not a JSON object: \(preview(data))")
        }
        return json
    }

    /// The error for a body that is neither an event stream nor JSON, quoting its start.
    static func unexpected(_ response: HTTPStreamingResponse, contentType: String, provider: String) async
        -> ProviderError
    {
        let data = (try? await response.collectBody(limit: 4096)) ?? Data()
        return ProviderError.malformed(
            provider,
            "the server answered \(response.head.status) with \(contentType) instead of an event stream "
                + "(a proxy, captive portal or wrong base_url?); the body starts: \(preview(data))")
    }

    static func preview(_ data: Data) -> String {
        let text = String(decoding: data.prefix(200), as: UTF8.self)
        let flat = text.replacing("\n", with: " ").replacing("\r", with: " ").trimmed
        return flat.isEmpty ? "(empty)" : "'\(flat)'"
    }
}
