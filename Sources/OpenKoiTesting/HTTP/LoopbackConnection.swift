import Dispatch
import FoundationEssentials
import OpenKoiCore
import Synchronization

/// One accepted connection: reads a request, then plays a `ScriptedResponse` on it. Runs on its own thread.
struct LoopbackConnection {
    /// A request as parsed, before the server numbers it.
    struct Incoming {
        var method: String
        var path: String
        var headers: [(name: String, value: String)]
        var body: Data
    }

    enum Outcome {
        case sent
        case clientGone
    }

    let socket: LoopbackSocket
    private static let maxHeadBytes = 1 << 20
    private static let maxBodyBytes = 64 << 20

    init(socket: LoopbackSocket) {
        self.socket = socket
    }

    /// Reads one request; `nil` if the client left first or sent something this server does not take
    /// (in which case it has been answered with an error status).
    func readRequest() -> Incoming? {
        var buffer: [UInt8] = []
        var headEnd: Int?
        while headEnd == nil {
            let searchFrom = max(0, buffer.count - 3)
            guard buffer.count < Self.maxHeadBytes, socket.read(into: &buffer) != nil else { return nil }
            headEnd = Self.find([13, 10, 13, 10], in: buffer, from: searchFrom)
        }
        guard let headEnd else { return nil }
        // "\r\n" is a single Character in Swift, so this splits on CRLF.
        let lines = String(decoding: buffer[..<headEnd], as: UTF8.self).split(
            separator: "\r\n", omittingEmptySubsequences: false)
        let requestLine = lines[0].split(separator: " ", omittingEmptySubsequences: true)
        guard requestLine.count == 3 else {
            reject(400)
            return nil
        }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
            headers.append((String(line[..<colon]), String(value)))
        }
        func header(_ name: String) -> String? { headers.last { $0.name.lowercased() == name }?.value }

        if header("transfer-encoding") != nil {
            reject(501)  // chunked request bodies: no client of ours sends them
            return nil
        }
        let length = header("content-length").flatMap { Int($0.filter { $0 != " " && $0 != "\t" }) } ?? 0
        guard length >= 0, length <= Self.maxBodyBytes else {
            reject(413)
            return nil
        }
        var body = Array(buffer[(headEnd + 4)...])
        if body.count < length, header("expect")?.lowercased() == "100-continue" {
            guard socket.write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return nil }
        }
        while body.count < length {
            guard socket.read(into: &body) != nil else { return nil }
        }
        return Incoming(
            method: String(requestLine[0]), path: String(requestLine[1]), headers: headers,
            body: Data(body.prefix(length)))
    }

    /// Sends `response`; `startTask` runs async work (reading a live feed) where shutdown can cancel it.
    func send(_ response: ScriptedResponse, startTask: (@escaping @Sendable () async -> Void) -> Void) -> Outcome {
        switch response.payload {
        case .noResponse:
            _ = socket.waitForHangUp(milliseconds: -1)
            return .clientGone
        case .closeWithoutResponse:
            return .sent
        case .full(let body):
            var framing: [(String, String)] = []
            if !response.headers.contains(where: { $0.name.lowercased() == "content-length" }) {
                framing.append(("Content-Length", String(body.count)))
            }
            guard writeHead(response, framing: framing), socket.write(body) else { return .clientGone }
            socket.closeGracefully()
            return .sent
        case .streamed(let source, let framing):
            let chunked = framing == .chunked
            guard writeHead(response, framing: chunked ? [("Transfer-Encoding", "chunked")] : []) else {
                return .clientGone
            }
            switch source {
            case .fixed(let parts):
                var remaining = parts[...]
                return stream(chunked: chunked) { remaining.popFirst().map(PartQueue.Next.part) ?? .ended }
            case .live(let feed):
                let queue = PartQueue()
                startTask {
                    for await part in feed { queue.push(part) }
                    queue.end()
                }
                // Waits in short slices so that a client hanging up while the test withholds parts is noticed.
                return stream(chunked: chunked) { queue.next(waitingMilliseconds: 50) }
            }
        }
    }

    /// Plays parts until they end; `nextPart` returns `nil` when none is ready yet.
    private func stream(chunked: Bool, nextPart: () -> PartQueue.Next?) -> Outcome {
        while true {
            switch nextPart() {
            case .none:
                if socket.waitForHangUp(milliseconds: 0) { return .clientGone }
            case .ended:
                if chunked, !socket.write(Array("0\r\n\r\n".utf8)) { return .clientGone }
                socket.closeGracefully()
                return .sent
            case .part(.chunk(let data)):
                guard !data.isEmpty else { continue }  // an empty chunk would end a chunked body
                let size = Data("\(String(data.count, radix: 16))\r\n".utf8)
                let framed = chunked ? size + data + Data("\r\n".utf8) : data
                guard socket.write(framed) else { return .clientGone }
            case .part(.pause(let milliseconds)):
                if socket.waitForHangUp(milliseconds: milliseconds) { return .clientGone }
            case .part(.closeAbruptly):
                return .sent
            case .part(.waitForever):
                _ = socket.waitForHangUp(milliseconds: -1)
                return .clientGone
            }
        }
    }

    private func writeHead(_ response: ScriptedResponse, framing: [(String, String)]) -> Bool {
        var head = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
        for (name, value) in response.headers + framing + [("Connection", "close")] { head += "\(name): \(value)\r\n" }
        return socket.write(Array((head + "\r\n").utf8))
    }

    private func reject(_ status: Int) {
        _ = writeHead(.full(status: status), framing: [("Content-Length", "0")])
        socket.closeGracefully()
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        return (start...(haystack.count - needle.count)).first {
            haystack[$0..<($0 + needle.count)].elementsEqual(needle)
        }
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 204: "No Content"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 408: "Request Timeout"
        case 413: "Content Too Large"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 529: "Overloaded"
        default: "Status"
        }
    }
}

/// Hands parts from the async feed to the connection's blocking thread.
final class PartQueue: Sendable {
    enum Next {
        case part(ScriptedResponse.Part)
        case ended
    }

    private let state = Mutex<(parts: [ScriptedResponse.Part], ended: Bool)>(([], false))
    /// Signalled once per part and once for the end, so waits and items stay in step.
    private let available = DispatchSemaphore(value: 0)

    func push(_ part: ScriptedResponse.Part) {
        state.withLock { $0.parts.append(part) }
        available.signal()
    }

    func end() {
        state.withLock { $0.ended = true }
        available.signal()
    }

    /// The next part or the end; `nil` if nothing came within the wait.
    func next(waitingMilliseconds: Int) -> Next? {
        guard available.wait(timeout: .now() + .milliseconds(waitingMilliseconds)) == .success else { return nil }
        return state.withLock { state in
            state.parts.isEmpty ? .ended : .part(state.parts.removeFirst())
        }
    }
}
