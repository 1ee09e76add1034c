import CCurlShim
import FoundationEssentials
import OpenKoiCore

/// The production `HTTPTransport`: libcurl, loaded on first use, one thread per transfer.
///
/// Requests go out as HTTP/1.1 without compression (so streamed events arrive as the server sends
/// them), follow no redirects, and honour the usual `https_proxy`/`no_proxy` environment variables.
/// Cancelling the calling task, or abandoning the response's body stream, closes the connection at once.
public struct CurlTransport: HTTPTransport {
    public init() {}

    /// Checks that libcurl can be loaded, for `doctor`-style diagnostics; `send` does this itself.
    public static func checkAvailable() throws {
        try CurlLibrary.load()
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPStreamingResponse {
        try CurlLibrary.load()
        try Task.checkCancellation()
        let (body, bodyFeed) = AsyncThrowingStream.makeStream(of: Data.self, throwing: (any Error).self)
        let transfer = try CurlTransfer(url: request.url, bodyFeed: bodyFeed)
        let head = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfer.start(request, continuation: continuation)
            }
        } onCancel: {
            transfer.cancel()
        }
        return HTTPStreamingResponse(head: head, body: body)
    }
}
