import FoundationEssentials
import OpenKoiCore

/// Runs `produce` in a task that the stream owns, so that a consumer who stops iterating (or whose task
/// is cancelled) cancels the transfer, and every error leaves as a `ProviderError` naming `provider`.
func chatEventStream(
    provider: String, secret: String?,
    produce: @escaping @Sendable (_ emit: @escaping @Sendable (ChatStreamEvent) -> Void) async throws -> Void
) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
    AsyncThrowingStream { continuation in
        let task = Task {
            do {
                try await produce { continuation.yield($0) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: ProviderError.normalize(error, provider: provider, secret: secret))
            }
        }
        continuation.onTermination = { _ in task.cancel() }
    }
}

extension HTTPTransport {
    /// Sends `request` and returns the streaming response if the status is 2xx; otherwise reads the error
    /// body and throws it classified.
    func sendExpectingSuccess(
        _ request: HTTPRequest, provider: String, secret: String?
    ) async throws -> HTTPStreamingResponse {
        let response = try await send(request)
        guard (200..<300).contains(response.head.status) else {
            // Error bodies are small; the limit only guards against a misbehaving server.
            let body = (try? await response.collectBody(limit: 64 << 10)) ?? Data()
            throw ProviderError.fromHTTP(
                status: response.head.status, headers: response.head.headers, body: body, provider: provider,
                secret: secret)
        }
        return response
    }
}

/// Encodes a request body; `JSONValue` keeps key order stable, which makes recorded requests comparable.
func jsonBody(_ value: JSONValue) -> Data {
    Data(value.jsonString.utf8)
}
