import OpenKoiCore

/// An Ollama server on 127.0.0.1 (`/api/chat` NDJSON, `/api/tags`), answering with scripted replies in
/// the real wire shapes.
public final class FakeOllamaServer: Sendable {
    public enum Reply: Sendable {
        /// A streamed text answer, one line per piece, then the `done` line.
        case text([String], promptTokens: Int = 10, evalTokens: Int = 5)
        /// One line carrying whole tool calls (Ollama does not split them), then the `done` line.
        case toolCalls([ToolCall])
        /// 404 for a model that is not pulled.
        case modelNotFound
        case serverError
        /// 400 when the prompt exceeds the context and truncation is off.
        case contextOverflow
        /// A 200 stream whose second line is not JSON.
        case malformedJSON
        /// Text pieces, then the connection closes before `done:true`.
        case truncated([String])
        case raw(ScriptedResponse)
    }

    public let server: FakeModelServer

    /// - Parameters:
    ///   - replies: answers to `POST /api/chat`, in order.
    ///   - installed: model names listed by `GET /api/tags`.
    public init(_ replies: [Reply], installed: [String] = ["qwen2.5-coder:7b"]) throws {
        server = try FakeModelServer(
            chatPath: "/api/chat", replies: replies.map(Self.response),
            routes: ["/api/tags": .json(OllamaFixtures.tags(installed))],
            exhausted: .json(status: 500, OllamaFixtures.error("no scripted reply left")))
    }

    /// `http://127.0.0.1:<port>`, the value for `OLLAMA_HOST`.
    public var baseURL: String { server.rootURL }

    public func enqueue(_ replies: [Reply]) { server.enqueue(replies.map(Self.response)) }
    public func shutdown() { server.shutdown() }

    public static let ndjsonHeaders: [(name: String, value: String)] = [("Content-Type", "application/x-ndjson")]

    static func response(_ reply: Reply) -> ScriptedResponse {
        switch reply {
        case .text(let pieces, let prompt, let eval):
            return stream(OllamaFixtures.textStream(pieces, prompt: prompt, eval: eval))
        case .toolCalls(let calls):
            return stream([
                OllamaFixtures.toolCallLine(calls.map { ($0.name, $0.arguments) }),
                OllamaFixtures.doneLine(prompt: 20, eval: 8),
            ])
        case .modelNotFound:
            return .json(status: 404, OllamaFixtures.modelNotFound)
        case .serverError:
            return .json(status: 500, OllamaFixtures.error("llama runner process has terminated: signal: killed"))
        case .contextOverflow:
            return .json(status: 400, OllamaFixtures.contextOverflow)
        case .malformedJSON:
            return stream([OllamaFixtures.contentLine("Hi"), "{\"message\": oops}\n", OllamaFixtures.doneLine()])
        case .truncated(let pieces):
            let lines = pieces.map { OllamaFixtures.contentLine($0) }
            return .streamed(
                headers: ndjsonHeaders, parts: lines.map { .text($0) } + [.text("{\"model\":\"qw"), .closeAbruptly])
        case .raw(let response):
            return response
        }
    }

    private static func stream(_ lines: [String]) -> ScriptedResponse {
        .streamed(headers: ndjsonHeaders, parts: lines.map { .text($0) })
    }
}
