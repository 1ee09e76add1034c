import FoundationEssentials
import OpenKoiCore
import OpenKoiProviders
import OpenKoiTesting
import Testing

/// The test-support server itself: other suites and the benchmarks rely on it behaving as documented.
@Suite(.timeLimit(.minutes(1)))
struct HTTPLoopbackServerTests {
    let transport = CurlTransport()

    @Test func aResponseValueServesEveryRequest() async throws {
        let reply = ScriptedResponse.streamed(parts: [.text("a"), .pause(milliseconds: 1), .text("b")])
        try await withLoopbackHTTPServer(handler: { _ in reply }) { server in
            for _ in 0..<2 {
                let response = try await transport.send(HTTPRequest(url: server.baseURL + "/"))
                #expect(try await response.collectBody() == Data("ab".utf8))
            }
            #expect(await server.requests.map(\.index) == [0, 1])
        }
    }

    @Test func closeDelimitedBodyEndsAtClose() async throws {
        try await withLoopbackHTTPServer(handler: { _ in .streamed(framing: .closeDelimited, parts: [.text("x")]) }) {
            server in
            let response = try await transport.send(HTTPRequest(url: server.baseURL + "/"))
            #expect(response.head.headers["transfer-encoding"] == nil)
            #expect(try await response.collectBody() == Data("x".utf8))
            let event = await server.waitForEvent { if case .responseSent(0) = $0 { true } else { false } }
            #expect(event != nil)
        }
    }

    @Test func shutdownDropsOpenConnectionsAndIsIdempotent() async throws {
        let server = try LoopbackHTTPServer { _ in .noResponse }
        let send = Task { try await transport.send(HTTPRequest(url: server.baseURL + "/")) }
        #expect(await server.waitForRequest(0)?.path == "/")
        server.shutdown()
        server.shutdown()
        let error = await #expect(throws: ProviderError.self) { try await send.value }
        #expect(error?.kind == .transport)
        #expect(await server.waitForRequest(1) == nil)
        // Only the arrival was reported; the stream then ends instead of waiting for more.
        var events: [LoopbackServerEvent] = []
        for await event in server.events { events.append(event) }
        #expect(events.count == 1)
    }

    @Test func waitingForARequestStopsWhenCancelled() async throws {
        try await withLoopbackHTTPServer(handler: { _ in .full() }) { server in
            let wait = Task { await server.waitForRequest(5) }
            wait.cancel()
            #expect(await wait.value == nil)
        }
    }

    @Test func unusedPortRefusesConnections() async throws {
        let port = try LoopbackHTTPServer.unusedPort()
        #expect(port > 0)
        let error = await #expect(throws: ProviderError.self) {
            try await transport.send(HTTPRequest(url: "http://127.0.0.1:\(port)/"))
        }
        #expect(error?.kind == .connectionRefused)
    }
}
