import FoundationEssentials
import OpenKoiCore

/// What `LoopbackHTTPServer` answers to one request.
public struct ScriptedResponse: Sendable {
    /// One step of a streamed body.
    public enum Part: Sendable {
        /// Bytes sent as they are (one HTTP chunk with `.chunked` framing; empty chunks are skipped).
        case chunk(Data)
        /// Waits before the next part; ends early if the client disconnects.
        case pause(milliseconds: Int)
        /// Closes the connection without finishing the body: the client sees a truncated stream.
        case closeAbruptly
        /// Stops sending and keeps the connection open until the client leaves or the server shuts down.
        case waitForever

        /// A chunk of UTF-8 text.
        public static func text(_ text: String) -> Part { .chunk(Data(text.utf8)) }

        /// One complete server-sent event (`event:` line if given, one `data:` line per line of `data`).
        public static func sse(_ data: String, event: String? = nil) -> Part {
            var text = event.map { "event: \($0)\n" } ?? ""
            for line in data.split(separator: "\n", omittingEmptySubsequences: false) { text += "data: \(line)\n" }
            return .text(text + "\n")
        }
    }

    /// How a streamed body is delimited.
    public enum Framing: Sendable {
        /// `Transfer-Encoding: chunked`, so the client can tell a finished body from a cut one.
        case chunked
        /// No length: the body ends when the server closes the connection.
        case closeDelimited
    }

    enum PartSource: Sendable {
        /// Reusable: a handler may return the same response for many requests.
        case fixed([Part])
        /// Single use: an `AsyncStream` has one consumer.
        case live(AsyncStream<Part>)
    }

    enum Payload: Sendable {
        case full(Data)
        case streamed(PartSource, Framing)
        case noResponse
        case closeWithoutResponse
    }

    public var status: Int
    /// Sent as given, before the server's own `Content-Length`/`Transfer-Encoding` and `Connection: close`.
    public var headers: [(name: String, value: String)]
    let payload: Payload

    init(status: Int, headers: [(name: String, value: String)], payload: Payload) {
        self.status = status
        self.headers = headers
        self.payload = payload
    }

    /// A complete response with a `Content-Length` (unless `headers` sets one, e.g. a wrong one on purpose).
    public static func full(
        status: Int = 200, headers: [(name: String, value: String)] = [], body: Data = Data()
    ) -> ScriptedResponse {
        ScriptedResponse(status: status, headers: headers, payload: .full(body))
    }

    /// A complete response with a text body.
    public static func full(
        status: Int = 200, headers: [(name: String, value: String)] = [], text: String
    ) -> ScriptedResponse {
        .full(status: status, headers: headers, body: Data(text.utf8))
    }

    /// A complete `application/json` response.
    public static func json(
        status: Int = 200, headers: [(name: String, value: String)] = [], _ json: String
    ) -> ScriptedResponse {
        .full(status: status, headers: [("Content-Type", "application/json")] + headers, body: Data(json.utf8))
    }

    /// A response whose body is sent part by part, as scripted.
    public static func streamed(
        status: Int = 200, headers: [(name: String, value: String)] = [], framing: Framing = .chunked,
        parts: [Part]
    ) -> ScriptedResponse {
        ScriptedResponse(status: status, headers: headers, payload: .streamed(.fixed(parts), framing))
    }

    /// A response whose parts the test supplies while it runs: the body ends when `feed` finishes.
    ///
    /// Lets a test see chunk 1 arrive before it even produces chunk 2. A feed serves one response only.
    public static func streamed(
        status: Int = 200, headers: [(name: String, value: String)] = [], framing: Framing = .chunked,
        feed: AsyncStream<Part>
    ) -> ScriptedResponse {
        ScriptedResponse(status: status, headers: headers, payload: .streamed(.live(feed), framing))
    }

    /// Never answers; the connection stays open until the client gives up or the server shuts down.
    public static var noResponse: ScriptedResponse { ScriptedResponse(status: 0, headers: [], payload: .noResponse) }

    /// Closes the connection without sending a byte.
    public static var closeWithoutResponse: ScriptedResponse {
        ScriptedResponse(status: 0, headers: [], payload: .closeWithoutResponse)
    }
}

/// A request as `LoopbackHTTPServer` received it.
public struct RecordedRequest: Sendable {
    /// Position in arrival order, from 0.
    public var index: Int
    public var method: String
    /// The request target: path and query, as sent.
    public var path: String
    /// Header names as sent; duplicates kept.
    public var headers: [(name: String, value: String)]
    public var body: Data

    /// The last value of header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.last { $0.name.lowercased() == wanted }?.value
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// Something `LoopbackHTTPServer` saw happen, in order.
public enum LoopbackServerEvent: Sendable {
    case requestReceived(RecordedRequest)
    /// The scripted response was sent in full (or cut short as scripted) and the connection closed.
    case responseSent(requestIndex: Int)
    /// The client closed the connection before the scripted response was over.
    case clientDisconnected(requestIndex: Int)
}
