import FoundationEssentials
import OpenKoiCore
import OpenKoiTesting
import Testing

@testable import OpenKoiProviders

/// `CurlTransport` against a real socket: `LoopbackHTTPServer` on 127.0.0.1.
@Suite(.timeLimit(.minutes(1)))
struct HTTPTransportTests {
    let transport = CurlTransport()

    @Test func getRoundTripsHeadersAndBody() async throws {
        try await withLoopbackHTTPServer(handler: { request in
            .json(headers: [("X-Echo", request.header("x-trace") ?? "")], #"{"ok":true}"#)
        }) { server in
            let response = try await transport.send(
                HTTPRequest(url: server.baseURL + "/v1/models?limit=2", headers: [("X-Trace", "abc 123")]))
            #expect(response.head.status == 200)
            #expect(response.head.headers["x-echo"] == "abc 123")
            #expect(response.head.headers["content-type"] == "application/json")
            #expect(String(decoding: try await response.collectBody(), as: UTF8.self) == #"{"ok":true}"#)

            let request = try #require(await server.requests.first)
            #expect(request.method == "GET")
            #expect(request.path == "/v1/models?limit=2")
            #expect(request.header("X-TRACE") == "abc 123")
            #expect(request.header("accept-encoding") == nil)
        }
    }

    @Test func postSendsBodyWithoutCurlsDefaults() async throws {
        try await withLoopbackHTTPServer(handler: { .full(status: 201, text: $0.bodyText.uppercased()) }) { server in
            let body = Data(#"{"prompt":"héllo"}"#.utf8)
            let response = try await transport.send(
                HTTPRequest(
                    method: "POST", url: server.baseURL + "/chat", headers: [("Authorization", "Bearer k")], body: body)
            )
            #expect(response.head.status == 201)
            #expect(String(decoding: try await response.collectBody(), as: UTF8.self) == #"{"PROMPT":"HÉLLO"}"#)

            let request = try #require(await server.requests.first)
            #expect(request.method == "POST")
            #expect(request.body == body)
            #expect(request.header("content-length") == String(body.count))
            // curl would otherwise label the JSON as a form and ask for "100 Continue".
            #expect(request.header("content-type") == nil)
            #expect(request.header("expect") == nil)
        }
    }

    @Test func otherMethodsAndEmptyHeaderValues() async throws {
        try await withLoopbackHTTPServer(handler: { _ in .full(status: 204) }) { server in
            let response = try await transport.send(
                HTTPRequest(method: "DELETE", url: server.baseURL + "/tasks/7", headers: [("X-Empty", "")]))
            #expect(response.head.status == 204)
            #expect(try await response.collectBody().isEmpty)
            let request = try #require(await server.requests.first)
            #expect(request.method == "DELETE")
            #expect(request.header("x-empty") == "")
        }
    }

    @Test func errorStatusAndRetryAfterAreVisible() async throws {
        try await withLoopbackHTTPServer(handler: { _ in
            .json(status: 429, headers: [("Retry-After", "7")], #"{"error":"slow down"}"#)
        }) { server in
            let response = try await transport.send(HTTPRequest(url: server.baseURL + "/"))
            #expect(response.head.status == 429)
            #expect(response.head.headers["retry-after"] == "7")
            #expect(String(decoding: try await response.collectBody(), as: UTF8.self).contains("slow down"))
        }
    }

    @Test func interimContinueBlockIsNotTheHead() async throws {
        try await withLoopbackHTTPServer(handler: { _ in .full(headers: [("X-Final", "1")], text: "done") }) { server in
            // An explicit Expect makes curl wait for the server's "100 Continue" block before the real one.
            let response = try await transport.send(
                HTTPRequest(
                    method: "PUT", url: server.baseURL + "/", headers: [("Expect", "100-continue")],
                    body: Data("payload".utf8)))
            #expect(response.head.status == 200)
            #expect(response.head.headers["x-final"] == "1")
            #expect(String(decoding: try await response.collectBody(), as: UTF8.self) == "done")
            #expect(await server.requests.first?.bodyText == "payload")
        }
    }

    @Test func streamedChunksArriveBeforeTheNextIsSent() async throws {
        let (feed, parts) = AsyncStream.makeStream(of: ScriptedResponse.Part.self)
        try await withLoopbackHTTPServer(handler: { _ in .streamed(feed: feed) }) { server in
            parts.yield(.text("one"))
            let response = try await transport.send(HTTPRequest(url: server.baseURL + "/stream"))
            var chunks = response.body.makeAsyncIterator()
            // "two" does not exist yet: receiving "one" proves the body is delivered as it arrives.
            #expect(try await chunks.next() == Data("one".utf8))
            parts.yield(.text("two"))
            #expect(try await chunks.next() == Data("two".utf8))
            parts.finish()
            #expect(try await chunks.next() == nil)
        }
    }

    @Test func cancellingWhileWaitingForTheHeadClosesTheConnection() async throws {
        try await withLoopbackHTTPServer(handler: { _ in .noResponse }) { server in
            let send = Task { try await transport.send(HTTPRequest(url: server.baseURL + "/hang")) }
            #expect(await server.waitForRequest(0) != nil)
            send.cancel()
            await #expect(throws: CancellationError.self) { try await send.value }
            let event = await server.waitForEvent { if case .clientDisconnected = $0 { true } else { false } }
            #expect(event != nil)
        }
    }

    @Test func abandoningTheBodyClosesTheConnection() async throws {
        try await withLoopbackHTTPServer(handler: { _ in .streamed(parts: [.text("first"), .waitForever]) }) { server in
            var response: HTTPStreamingResponse? = try await transport.send(HTTPRequest(url: server.baseURL + "/"))
            var chunks = response?.body.makeAsyncIterator()
            #expect(try await chunks?.next() == Data("first".utf8))
            // Dropping every reference to the stream terminates it, which must abort the transfer.
            chunks = nil
            response = nil
            let event = await server.waitForEvent { if case .clientDisconnected = $0 { true } else { false } }
            #expect(event != nil)
        }
    }

    @Test func cancellingTheReadingTaskClosesTheConnection() async throws {
        try await withLoopbackHTTPServer(handler: { _ in .streamed(parts: [.text("first"), .waitForever]) }) { server in
            let response = try await transport.send(HTTPRequest(url: server.baseURL + "/"))
            let (firstSeen, signal) = AsyncStream.makeStream(of: Void.self)
            let reader = Task {
                for try await _ in response.body { signal.yield() }
            }
            for await _ in firstSeen { break }
            reader.cancel()
            _ = try? await reader.value
            let event = await server.waitForEvent { if case .clientDisconnected = $0 { true } else { false } }
            #expect(event != nil)
        }
    }

    @Test func timeoutIsReportedAsTimeout() async throws {
        try await withLoopbackHTTPServer(handler: { _ in .noResponse }) { server in
            let error = await #expect(throws: ProviderError.self) {
                try await transport.send(HTTPRequest(url: server.baseURL + "/slow", timeout: 0.2))
            }
            #expect(error?.kind == .timeout)
            #expect(error?.message.contains("127.0.0.1") == true)
        }
    }

    /// A refused port on this machine is a server that is not running: said at once, with advice.
    @Test func refusedLoopbackConnectionSaysToStartTheServerWithoutSecrets() async throws {
        let port = try LoopbackHTTPServer.unusedPort()
        let error = await #expect(throws: ProviderError.self) {
            try await transport.send(
                HTTPRequest(
                    url: "http://127.0.0.1:\(port)/v1?key=query-secret",
                    headers: [("Authorization", "Bearer header-secret")]))
        }
        #expect(error?.kind == .connectionRefused)
        #expect(error?.isRetriable == false)
        #expect(error?.message.contains("nothing is listening on 127.0.0.1:\(port)") == true)
        #expect(error?.message.contains("scripts/local-model/start.sh") == true)
        #expect(error?.message.contains("secret") == false)
    }

    @Test func truncatedChunkedBodyThrows() async throws {
        try await withLoopbackHTTPServer(handler: { _ in .streamed(parts: [.sse("partial"), .closeAbruptly]) }) {
            server in
            let response = try await transport.send(HTTPRequest(url: server.baseURL + "/"))
            #expect(response.head.status == 200)
            let error = await #expect(throws: ProviderError.self) { try await response.collectBody() }
            #expect(error?.kind == .transport)
        }
    }

    @Test func closingWithoutAResponseIsTransportError() async throws {
        try await withLoopbackHTTPServer(handler: { _ in .closeWithoutResponse }) { server in
            let error = await #expect(throws: ProviderError.self) {
                try await transport.send(HTTPRequest(url: server.baseURL + "/"))
            }
            #expect(error?.kind == .transport)
        }
    }

    @Test func headerInjectionIsRefusedBeforeSending() async throws {
        try await withLoopbackHTTPServer(handler: { _ in .full() }) { server in
            let error = await #expect(throws: ProviderError.self) {
                try await transport.send(
                    HTTPRequest(url: server.baseURL + "/", headers: [("X-Key", "secret\r\nX-Evil: 1")]))
            }
            #expect(error?.kind == .notConfigured)
            #expect(error?.message.contains("secret") == false)
            #expect(await server.requests.isEmpty)
        }
    }

    @Test func concurrentTransfersRunInParallel() async throws {
        try await withLoopbackHTTPServer(handler: { request in .full(text: request.path) }) { server in
            let bodies = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        let response = try await transport.send(HTTPRequest(url: server.baseURL + "/\(index)"))
                        return String(decoding: try await response.collectBody(), as: UTF8.self)
                    }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(bodies == Set((0..<8).map { "/\($0)" }))
        }
    }

    @Test func sseEventsStreamFromTheServer() async throws {
        let parts: [ScriptedResponse.Part] = [
            .sse(#"{"n":1}"#, event: "delta"), .text(": keep-alive\n\n"), .text("data: {\"n\""), .text(":2}\r\n\r\n"),
            .sse("[DONE]"),
        ]
        let sse = ScriptedResponse.streamed(headers: [("Content-Type", "text/event-stream")], parts: parts)
        try await withLoopbackHTTPServer(handler: { _ in sse }) { server in
            let response = try await transport.send(HTTPRequest(url: server.baseURL + "/"))
            var events: [SSEEvent] = []
            for try await event in response.sseEvents() { events.append(event) }
            let expected = [
                SSEEvent(event: "delta", data: #"{"n":1}"#), SSEEvent(data: #"{"n":2}"#), SSEEvent(data: "[DONE]"),
            ]
            #expect(events == expected)
        }
    }

    @Test func sseStreamEndingMidEventThrowsTruncated() async throws {
        try await withLoopbackHTTPServer(handler: { _ in
            .streamed(framing: .closeDelimited, parts: [.sse("complete"), .text("data: cut")])
        }) { server in
            let response = try await transport.send(HTTPRequest(url: server.baseURL + "/"))
            var events = response.sseEvents().makeAsyncIterator()
            #expect(try await events.next() == SSEEvent(data: "complete"))
            let error = await #expect(throws: ProviderError.self) { try await events.next() }
            #expect(error?.kind == .malformedResponse)
            #expect(error?.message.contains("truncated") == true)
        }
    }

    @Test func ndjsonLinesStreamFromTheServer() async throws {
        try await withLoopbackHTTPServer(handler: { _ in
            .streamed(parts: [.text("{\"a\":1}\n{\"b\""), .text(":2}\n\n"), .text("{\"done\":true}")])
        }) { server in
            let response = try await transport.send(HTTPRequest(url: server.baseURL + "/"))
            var lines: [String] = []
            for try await line in response.ndjsonLines() { lines.append(line) }
            #expect(lines == [#"{"a":1}"#, #"{"b":2}"#, #"{"done":true}"#])
        }
    }
}

/// Pieces of the transport that need no socket.
struct HTTPResponseHeadTests {
    @Test func interimBlocksAndFoldedHeaders() {
        var parser = ResponseHeadParser()
        let lines = [
            "HTTP/1.1 100 Continue\r\n", "\r\n", "HTTP/1.1 503 Service Unavailable\r\n", "Retry-After: 3\r\n",
            "X-Long: a\r\n", "\tb\r\n", "x-long-2:c \r\n",
        ]
        for line in lines { #expect(parser.consume(line) == nil) }
        let head = parser.consume("\r\n")
        #expect(head == HTTPResponseHead(status: 503, headers: ["retry-after": "3", "x-long": "a b", "x-long-2": "c"]))
    }

    @Test func hostOmitsCredentialsPathAndQuery() {
        #expect(CurlLibrary.host(of: "https://user:pw@api.example.com:8443/v1/x?key=s#f") == "api.example.com:8443")
        #expect(CurlLibrary.host(of: "http://localhost?key=s") == "localhost")
        #expect(CurlLibrary.host(of: "") == "(none)")
    }
}
