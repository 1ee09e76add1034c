import OpenKoiCore

/// A Responses API server on 127.0.0.1 (`POST <path>`, `/v1/responses` unless told otherwise, e.g.
/// `/backend-api/codex/responses` for the ChatGPT backend), answering with scripted replies in the real
/// wire shapes and recording every request.
public final class FakeResponsesServer: Sendable {
    public enum Reply: Sendable {
        /// A streamed text answer, one delta per piece. `listsOutput: false` leaves the final
        /// response's `output` empty, as the ChatGPT backend does.
        case text(
            [String], inputTokens: Int = 10, outputTokens: Int = 5, cachedTokens: Int = 0, listsOutput: Bool = true)
        /// Streamed function calls, after optional text.
        case toolCalls([ResponsesFixtures.FunctionCall], text: String? = nil)
        /// Text, then `response.incomplete` with the reason.
        case incomplete([String], reason: String = "max_output_tokens")
        /// A stream that ends with `response.failed`.
        case failed(code: String, message: String)
        /// A stream that ends with an `error` event.
        case errorEvent(code: String, message: String)
        /// A whole `response` object as `application/json` (a host that ignored `stream: true`).
        case whole(JSONValue)
        /// The HTTP errors of the public API, as `FakeOpenAIServer` sends them: 429 with the given headers
        /// (`Retry-After`) or none, 500, the 400 context overflow, and 401.
        case rateLimited(headers: [(name: String, value: String)] = [])
        case serverError
        case contextOverflow
        case unauthorized
        /// A 200 stream whose third event is not JSON.
        case malformedJSON
        /// Text pieces, then the connection closes before the response completes.
        case truncated([String])
        case raw(ScriptedResponse)
    }

    public let server: FakeModelServer
    private let path: String

    /// - Parameters:
    ///   - replies: answers to `POST <path>`, in order.
    ///   - path: the endpoint; `baseURL` is everything before its final `/responses`.
    public init(_ replies: [Reply], path: String = "/v1/responses") throws {
        self.path = path
        server = try FakeModelServer(
            chatPath: path, replies: replies.map(Self.response), routes: [:],
            exhausted: .json(status: 500, OpenAIFixtures.error(message: "no scripted reply left", type: "server_error"))
        )
    }

    /// The value for a provider's `baseURL`, e.g. `http://127.0.0.1:<port>/v1`.
    public var baseURL: String {
        server.rootURL + (path.hasSuffix("/responses") ? String(path.dropLast("/responses".count)) : path)
    }

    public func enqueue(_ replies: [Reply]) { server.enqueue(replies.map(Self.response)) }
    public func shutdown() { server.shutdown() }

    static func response(_ reply: Reply) -> ScriptedResponse {
        switch reply {
        case .text(let pieces, let input, let output, let cached, let listsOutput):
            return stream(
                ResponsesFixtures.textStream(
                    pieces, input: input, output: output, cached: cached, listsOutput: listsOutput))
        case .toolCalls(let calls, let text):
            return stream(ResponsesFixtures.toolCallStream(calls, text: text))
        case .incomplete(let pieces, let reason):
            return stream(ResponsesFixtures.incompleteStream(pieces, reason: reason))
        case .failed(let code, let message):
            return stream(ResponsesFixtures.failedStream(code: code, message: message))
        case .errorEvent(let code, let message):
            return stream(ResponsesFixtures.errorEventStream(code: code, message: message))
        case .whole(let response):
            return .json(response.jsonString)
        case .rateLimited(let headers):
            return FakeOpenAIServer.response(.rateLimited(headers: headers))
        case .serverError:
            return FakeOpenAIServer.response(.serverError)
        case .contextOverflow:
            return FakeOpenAIServer.response(.contextOverflow)
        case .unauthorized:
            return FakeOpenAIServer.response(.unauthorized)
        case .malformedJSON:
            return stream(Array(ResponsesFixtures.textStream(["Hi"]).prefix(2)) + ["data: {\"type\": \"response.\n\n"])
        case .truncated(let pieces):
            let events = ResponsesFixtures.textStream(pieces).dropLast(4)  // no done events, no completed
            return .streamed(headers: FakeOpenAIServer.sseHeaders, parts: events.map { .text($0) } + [.closeAbruptly])
        case .raw(let response):
            return response
        }
    }

    private static func stream(_ events: [String]) -> ScriptedResponse {
        .streamed(headers: FakeOpenAIServer.sseHeaders, parts: events.map { .text($0) })
    }
}
