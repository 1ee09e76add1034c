import FoundationEssentials
import OpenKoiCore
import OpenKoiProviders

/// An in-memory `HTTPTransport` that answers each request with the next scripted reply and records
/// the requests, so adapter tests can check both directions without sockets.
actor ScriptedTransport: HTTPTransport {
    enum Reply: Sendable {
        /// A response whose body arrives as `chunks`; `then` ends the body with an error instead of cleanly.
        case respond(status: Int = 200, headers: [String: String] = [:], chunks: [String], then: ProviderError? = nil)
        /// The transport itself fails (connect refused, timeout).
        case fail(ProviderError)
    }

    struct Recorded: Sendable {
        var method: String
        var url: String
        var headers: [String: String]
        var body: JSONValue?
        var timeout: Double?
    }

    private var replies: [Reply]
    /// Used once `replies` runs out, so probes of absent servers can be modelled.
    private let fallback: Reply
    private(set) var requests: [Recorded] = []

    init(
        _ replies: [Reply],
        otherwise fallback: Reply = .fail(ProviderError(.transport, provider: "", message: "connection refused"))
    ) {
        self.replies = replies
        self.fallback = fallback
    }

    func send(_ request: HTTPRequest) async throws -> HTTPStreamingResponse {
        var headers: [String: String] = [:]
        for (name, value) in request.headers { headers[name.lowercased()] = value }
        requests.append(
            Recorded(
                method: request.method, url: request.url, headers: headers, body: request.body.flatMap(JSONValue.parse),
                timeout: request.timeout))
        let reply = replies.isEmpty ? fallback : replies.removeFirst()
        switch reply {
        case .fail(let error):
            throw error
        case .respond(let status, let headers, let chunks, let failure):
            let body = AsyncThrowingStream<Data, any Error> { continuation in
                for chunk in chunks { continuation.yield(Data(chunk.utf8)) }
                continuation.finish(throwing: failure)
            }
            return HTTPStreamingResponse(head: HTTPResponseHead(status: status, headers: headers), body: body)
        }
    }

    /// A transport that routes by URL suffix, for discovery tests where probes run concurrently.
    static func routing(_ routes: [String: Reply]) -> RoutingTransport { RoutingTransport(routes: routes) }
}

actor RoutingTransport: HTTPTransport {
    let routes: [String: ScriptedTransport.Reply]
    private(set) var urls: [String] = []

    init(routes: [String: ScriptedTransport.Reply]) {
        self.routes = routes
    }

    func send(_ request: HTTPRequest) async throws -> HTTPStreamingResponse {
        urls.append(request.url)
        guard let reply = routes.first(where: { request.url.hasSuffix($0.key) })?.value else {
            throw ProviderError(.transport, provider: "", message: "connection refused")
        }
        return try await ScriptedTransport([reply]).send(request)
    }
}

/// Collects a stream, returning the events seen before the error (if any) and the error.
func drain(
    _ stream: AsyncThrowingStream<ChatStreamEvent, any Error>
) async -> (events: [ChatStreamEvent], error: (any Error)?) {
    var events: [ChatStreamEvent] = []
    do {
        for try await event in stream { events.append(event) }
        return (events, nil)
    } catch {
        return (events, error)
    }
}

extension ProviderError.Kind {
    var isRateLimited: Bool { if case .rateLimited = self { return true } else { return false } }
}

let weatherTool = ToolDefinition(
    name: "get_weather", description: "Current weather for a city",
    parameters: ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]])
