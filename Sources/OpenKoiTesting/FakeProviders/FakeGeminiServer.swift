import OpenKoiCore

/// Google's Gemini API on 127.0.0.1 (`<baseURL>/models/<model>:streamGenerateContent`, `:generateContent`,
/// `:batchEmbedContents`, and the paged `<baseURL>/models`), answering with scripted replies in the real
/// wire shapes and recording every request.
public final class FakeGeminiServer: Sendable {
    public enum Reply: Sendable {
        /// A streamed text answer, one chunk per piece.
        case text(
            [String], promptTokens: Int = 10, candidatesTokens: Int = 5, thoughtsTokens: Int = 0, cachedTokens: Int = 0)
        /// Optional text, then the calls in one chunk.
        case functionCalls([GeminiFixtures.FunctionCall], text: String? = nil)
        /// 429 `RESOURCE_EXHAUSTED`, with a RetryInfo `retryDelay` and/or headers when given.
        case rateLimited(retryDelay: String? = nil, headers: [(name: String, value: String)] = [])
        case serverError
        /// 503 `UNAVAILABLE`, "The model is overloaded".
        case overloaded
        /// 400 "The input token count (…) exceeds the maximum number of tokens allowed (…)".
        case contextOverflow
        /// 400 with ErrorInfo `API_KEY_INVALID`.
        case invalidAPIKey
        /// 403 `PERMISSION_DENIED`.
        case permissionDenied
        /// A 200 stream whose only chunk is `promptFeedback.blockReason`.
        case blockedPrompt(reason: String = "SAFETY")
        /// A 200 stream whose second event is not JSON.
        case malformedJSON
        /// Text pieces without the finishing chunk, then the connection closes.
        case truncated([String])
        case raw(ScriptedResponse)
    }

    public let http: LoopbackHTTPServer

    /// The model pages `GET /models` serves by default: the second page needs a token that must be
    /// percent-encoded in the query.
    public static let defaultModelPages: [[JSONValue]] = [
        [
            GeminiFixtures.model("gemini-2.5-pro"),
            GeminiFixtures.model("text-embedding-004", input: 2048, output: 1, methods: ["embedContent"]),
        ],
        [
            GeminiFixtures.model("gemini-2.0-flash", output: 8192),
            GeminiFixtures.model("gemma-3-27b-it", input: 131_072, output: 8192),
        ],
    ]

    /// The token that leads to page `n` (from 1); `+`, `/` and `=` as real page tokens have them.
    public static func pageToken(_ page: Int) -> String { "Cg1wYWdl+/\(page)==" }

    /// - Parameters:
    ///   - replies: answers to the chat endpoints, one per request, in order.
    ///   - modelPages: what `GET /models` lists, page by page.
    ///   - apiKey: when set, requests without this `x-goog-api-key` are refused the way Google refuses them.
    public init(
        _ replies: [Reply], modelPages: [[JSONValue]] = FakeGeminiServer.defaultModelPages, apiKey: String? = nil
    )
        throws
    {
        let queue = LockedValue(replies)
        self.queue = queue
        http = try LoopbackHTTPServer { request in
            let (path, query) = Self.split(request.path)
            if let apiKey, request.header("x-goog-api-key") != apiKey {
                return request.header("x-goog-api-key") == nil
                    ? .json(status: 403, GeminiFixtures.permissionDenied)
                    : .json(status: 400, GeminiFixtures.invalidAPIKey)
            }
            guard path.hasPrefix("/v1beta/") else { return Self.notFound(path) }
            if path == "/v1beta/models", request.method == "GET" {
                return Self.modelPage(modelPages, token: query["pageToken"])
            }
            switch path.split(separator: ":").last.map(String.init) {
            case "streamGenerateContent" where query["alt"] == "sse":
                return queue.withLock { $0.isEmpty ? Self.exhausted : Self.response($0.removeFirst(), whole: false) }
            case "generateContent":
                return queue.withLock { $0.isEmpty ? Self.exhausted : Self.response($0.removeFirst(), whole: true) }
            case "batchEmbedContents":
                return Self.embeddings(for: request)
            default:
                return Self.notFound(path)
            }
        }
    }

    private let queue: LockedValue<[Reply]>

    /// `http://127.0.0.1:<port>/v1beta`, the value for the provider's base URL.
    public var baseURL: String { http.baseURL + "/v1beta" }

    public func enqueue(_ replies: [Reply]) { queue.withLock { $0 += replies } }

    /// Every request received so far, in arrival order.
    public var requests: [RecordedRequest] {
        get async { await http.requests }
    }

    /// Request bodies parsed as JSON, in arrival order (`nil` for bodies that are not JSON).
    public var requestBodies: [JSONValue?] {
        get async { await http.requests.map { JSONValue.parse($0.body) } }
    }

    public func shutdown() { http.shutdown() }

    public static let sseHeaders: [(name: String, value: String)] = [("Content-Type", "text/event-stream")]

    static let exhausted = ScriptedResponse.json(
        status: 500, GeminiFixtures.error(code: 500, status: "INTERNAL", message: "no scripted reply left"))

    static func response(_ reply: Reply, whole: Bool) -> ScriptedResponse {
        switch reply {
        case .text(let pieces, let prompt, let candidates, let thoughts, let cached):
            if whole {
                return .json(
                    GeminiFixtures.wholeAnswer(
                        text: pieces.joined(), prompt: prompt, candidates: candidates, thoughts: thoughts))
            }
            return stream(
                GeminiFixtures.textStream(
                    pieces, prompt: prompt, candidates: candidates, thoughts: thoughts, cached: cached))
        case .functionCalls(let calls, let text):
            if whole { return .json(GeminiFixtures.wholeAnswer(text: text ?? "", calls: calls)) }
            return stream(GeminiFixtures.functionCallStream(text: text, calls))
        case .rateLimited(let retryDelay, let headers):
            return .json(status: 429, headers: headers, GeminiFixtures.rateLimited(retryDelay: retryDelay))
        case .serverError:
            return .json(status: 500, GeminiFixtures.serverError)
        case .overloaded:
            return .json(status: 503, GeminiFixtures.overloaded)
        case .contextOverflow:
            return .json(status: 400, GeminiFixtures.contextOverflow)
        case .invalidAPIKey:
            return .json(status: 400, GeminiFixtures.invalidAPIKey)
        case .permissionDenied:
            return .json(status: 403, GeminiFixtures.permissionDenied)
        case .blockedPrompt(let reason):
            let body = GeminiFixtures.blockedPrompt(reason: reason)
            return whole ? .json(body) : stream(["data: \(body)\r\n\r\n"])
        case .malformedJSON:
            return stream(GeminiFixtures.textStream(["Hi", "x"]).prefix(1) + ["data: {\"candidates\": [\r\n\r\n"])
        case .truncated(let pieces):
            // Every chunk but the last, which would carry finishReason.
            let events = GeminiFixtures.textStream(pieces + ["never sent"]).dropLast()
            return .streamed(headers: sseHeaders, parts: events.map { .text($0) } + [.closeAbruptly])
        case .raw(let response):
            return response
        }
    }

    private static func stream(_ events: [String]) -> ScriptedResponse {
        .streamed(headers: sseHeaders, parts: events.map { .text($0) })
    }

    private static func modelPage(_ pages: [[JSONValue]], token: String?) -> ScriptedResponse {
        let index = token.map { token in pages.indices.first { pageToken($0) == token } ?? -1 } ?? 0
        guard pages.indices.contains(index) else {
            return .json(
                status: 400, GeminiFixtures.error(code: 400, status: "INVALID_ARGUMENT", message: "Invalid page token.")
            )
        }
        let next = index + 1 < pages.count ? pageToken(index + 1) : nil
        return .json(GeminiFixtures.modelPage(pages[index], nextPageToken: next))
    }

    /// One vector per request, `[position, UTF-8 length of the text, 0.25]`, so a test can tell which
    /// vector belongs to which text.
    private static func embeddings(for request: RecordedRequest) -> ScriptedResponse {
        guard let requests = JSONValue.parse(request.body)?["requests"]?.arrayValue else {
            return .json(
                status: 400,
                GeminiFixtures.error(code: 400, status: "INVALID_ARGUMENT", message: "requests is required"))
        }
        let vectors = requests.enumerated().map { index, entry in
            let text = entry["content"]?["parts"]?[0]?["text"]?.stringValue ?? ""
            return [Double(index), Double(text.utf8.count), 0.25]
        }
        return .json(GeminiFixtures.embeddings(vectors))
    }

    private static func notFound(_ path: String) -> ScriptedResponse {
        .json(status: 404, GeminiFixtures.error(code: 404, status: "NOT_FOUND", message: "no such path: \(path)"))
    }

    /// The path, and the query's values percent-decoded.
    static func split(_ target: String) -> (path: String, query: [String: String]) {
        let pieces = target.split(separator: "?", maxSplits: 1).map(String.init)
        var query: [String: String] = [:]
        for pair in (pieces.count > 1 ? pieces[1] : "").split(separator: "&") {
            let field = pair.split(separator: "=", maxSplits: 1).map(String.init)
            query[field[0]] = field.count > 1 ? percentDecoded(field[1]) : ""
        }
        return (pieces.first ?? target, query)
    }

    private static func percentDecoded(_ text: String) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
