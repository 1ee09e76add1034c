import OpenKoiCore

/// An OpenAI chat-completions server on 127.0.0.1 (`<baseURL>/chat/completions`, `<baseURL>/models`),
/// answering with scripted replies in the real wire shapes.
public final class FakeOpenAIServer: Sendable {
    public enum Reply: Sendable {
        /// A streamed text answer, one SSE event per piece.
        case text([String], promptTokens: Int = 10, completionTokens: Int = 5, cachedTokens: Int = 0)
        /// Streamed tool calls, argument text split into pieces.
        case toolCalls([OpenAIFixtures.StreamedToolCall])
        /// 429 with the given headers (`Retry-After`, `retry-after-ms`), or none.
        case rateLimited(headers: [(name: String, value: String)] = [])
        case serverError
        case contextOverflow
        /// llama.cpp's overflow body.
        case llamaCppContextOverflow
        case unauthorized
        /// A 200 stream whose second event is not JSON.
        case malformedJSON
        /// Text pieces, then the connection closes before the answer finishes.
        case truncated([String])
        /// Anything else.
        case raw(ScriptedResponse)
    }

    public let server: FakeModelServer

    /// - Parameters:
    ///   - replies: answers to `POST /v1/chat/completions`, in order.
    ///   - models: ids listed by `GET /v1/models`.
    public init(_ replies: [Reply], models: [String] = ["gpt-4.1"]) throws {
        server = try FakeModelServer(
            chatPath: "/v1/chat/completions", replies: replies.map(Self.response),
            routes: ["/v1/models": .json(OpenAIFixtures.modelList(models))],
            exhausted: .json(status: 500, OpenAIFixtures.error(message: "no scripted reply left", type: "server_error"))
        )
    }

    /// `http://127.0.0.1:<port>/v1`, the value for `OPENAI_BASE_URL` or `base_url`.
    public var baseURL: String { server.rootURL + "/v1" }

    public func enqueue(_ replies: [Reply]) { server.enqueue(replies.map(Self.response)) }
    public func shutdown() { server.shutdown() }

    public static let sseHeaders: [(name: String, value: String)] = [("Content-Type", "text/event-stream")]

    static func response(_ reply: Reply) -> ScriptedResponse {
        switch reply {
        case .text(let pieces, let prompt, let completion, let cached):
            return stream(OpenAIFixtures.textStream(pieces, prompt: prompt, completion: completion, cached: cached))
        case .toolCalls(let calls):
            return stream(OpenAIFixtures.toolCallStream(calls))
        case .rateLimited(let headers):
            return .json(status: 429, headers: headers, OpenAIFixtures.rateLimited)
        case .serverError:
            return .json(status: 500, OpenAIFixtures.serverError)
        case .contextOverflow:
            return .json(status: 400, OpenAIFixtures.contextOverflow)
        case .llamaCppContextOverflow:
            return .json(status: 400, OpenAIFixtures.llamaCppContextOverflow)
        case .unauthorized:
            return .json(status: 401, OpenAIFixtures.invalidAPIKey)
        case .malformedJSON:
            return stream([OpenAIFixtures.delta(["content": "Hi"]), "data: {\"choices\": [\n\n"])
        case .truncated(let pieces):
            let events = OpenAIFixtures.textStream(pieces).dropLast(3)  // no finish, usage or [DONE]
            return .streamed(headers: sseHeaders, parts: events.map { .text($0) } + [.closeAbruptly])
        case .raw(let response):
            return response
        }
    }

    private static func stream(_ events: [String]) -> ScriptedResponse {
        .streamed(headers: sseHeaders, parts: events.map { .text($0) })
    }
}
