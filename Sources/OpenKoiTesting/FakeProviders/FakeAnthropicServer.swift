import OpenKoiCore

/// An Anthropic Messages API on 127.0.0.1 (`<baseURL>/v1/messages`), answering with scripted replies in
/// the real wire shapes.
public final class FakeAnthropicServer: Sendable {
    public enum Reply: Sendable {
        /// A streamed text answer, one `text_delta` per piece.
        case text([String], inputTokens: Int = 10, outputTokens: Int = 5, cacheRead: Int = 0, cacheWrite: Int = 0)
        /// Text, then one `tool_use` block whose input arrives in `inputPieces`.
        case toolUse(text: String, id: String, name: String, inputPieces: [String])
        /// 429 with the given headers (`retry-after`), or none.
        case rateLimited(headers: [(name: String, value: String)] = [])
        /// 529 `overloaded_error`, as an HTTP error.
        case overloaded
        /// A 200 stream that fails with an `overloaded_error` event after `message_start`.
        case overloadedMidStream
        case serverError
        /// 400 `invalid_request_error` "prompt is too long".
        case contextOverflow
        case unauthorized
        /// A 200 stream whose second event is not JSON.
        case malformedJSON
        /// Text pieces, then the connection closes before `message_stop`.
        case truncated([String])
        case raw(ScriptedResponse)
    }

    public let server: FakeModelServer

    public init(_ replies: [Reply]) throws {
        server = try FakeModelServer(
            chatPath: "/v1/messages", replies: replies.map(Self.response), routes: [:],
            exhausted: .json(status: 500, AnthropicFixtures.error(type: "api_error", message: "no scripted reply left"))
        )
    }

    /// `http://127.0.0.1:<port>`, the value for `ANTHROPIC_BASE_URL`.
    public var baseURL: String { server.rootURL }

    public func enqueue(_ replies: [Reply]) { server.enqueue(replies.map(Self.response)) }
    public func shutdown() { server.shutdown() }

    public static let sseHeaders: [(name: String, value: String)] = [("Content-Type", "text/event-stream")]

    static func response(_ reply: Reply) -> ScriptedResponse {
        switch reply {
        case .text(let pieces, let input, let output, let cacheRead, let cacheWrite):
            return stream(
                AnthropicFixtures.textStream(
                    pieces, input: input, output: output, cacheRead: cacheRead, cacheWrite: cacheWrite))
        case .toolUse(let text, let id, let name, let pieces):
            return stream(AnthropicFixtures.toolUseStream(text: text, id: id, name: name, inputPieces: pieces))
        case .rateLimited(let headers):
            return .json(status: 429, headers: headers, AnthropicFixtures.rateLimited)
        case .overloaded:
            return .json(status: 529, AnthropicFixtures.overloaded)
        case .overloadedMidStream:
            return stream([AnthropicFixtures.messageStart(input: 10), AnthropicFixtures.overloadedEvent])
        case .serverError:
            return .json(status: 500, AnthropicFixtures.apiError)
        case .contextOverflow:
            return .json(status: 400, AnthropicFixtures.contextOverflow)
        case .unauthorized:
            return .json(status: 401, AnthropicFixtures.invalidAPIKey)
        case .malformedJSON:
            return stream([
                AnthropicFixtures.messageStart(input: 10), "event: content_block_start\ndata: {\"type\": \n\n",
            ])
        case .truncated(let pieces):
            // Without block stop, message_delta and message_stop.
            let events = AnthropicFixtures.textStream(pieces).dropLast(3)
            return .streamed(headers: sseHeaders, parts: events.map { .text($0) } + [.closeAbruptly])
        case .raw(let response):
            return response
        }
    }

    private static func stream(_ events: [String]) -> ScriptedResponse {
        .streamed(headers: sseHeaders, parts: events.map { .text($0) })
    }
}
