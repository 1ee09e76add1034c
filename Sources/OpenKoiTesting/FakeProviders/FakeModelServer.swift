import OpenKoiCore

/// A model API on 127.0.0.1 for tests: answers the chat endpoint with scripted responses in order, and
/// other paths (model lists) with fixed ones. The per-format fakes (`FakeOpenAIServer`, …) build on it.
public final class FakeModelServer: Sendable {
    public let http: LoopbackHTTPServer
    private let queue: LockedValue<[ScriptedResponse]>

    /// - Parameters:
    ///   - chatPath: path of the chat endpoint, e.g. `/v1/chat/completions`.
    ///   - replies: answers to the chat endpoint, one per request, in order.
    ///   - routes: fixed answers by exact path, e.g. `/v1/models`.
    ///   - exhausted: the answer once `replies` runs out, in the format's error shape.
    public init(
        chatPath: String, replies: [ScriptedResponse], routes: [String: ScriptedResponse], exhausted: ScriptedResponse
    ) throws {
        let queue = LockedValue(replies)
        self.queue = queue
        http = try LoopbackHTTPServer { request in
            let path = request.path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.path
            if path == chatPath {
                return queue.withLock { $0.isEmpty ? exhausted : $0.removeFirst() }
            }
            return routes[path]
                ?? .json(status: 404, #"{"error":{"message":"no such path: \#(path)","type":"not_found"}}"#)
        }
    }

    /// `http://127.0.0.1:<port>`.
    public var rootURL: String { http.baseURL }

    /// Adds answers for later chat requests.
    public func enqueue(_ replies: [ScriptedResponse]) {
        queue.withLock { $0 += replies }
    }

    /// Every request received so far, in arrival order.
    public var requests: [RecordedRequest] {
        get async { await http.requests }
    }

    /// Request bodies parsed as JSON, in arrival order (`nil` for bodies that are not JSON).
    public var requestBodies: [JSONValue?] {
        get async { await http.requests.map { JSONValue.parse($0.body) } }
    }

    public func shutdown() {
        http.shutdown()
    }
}
