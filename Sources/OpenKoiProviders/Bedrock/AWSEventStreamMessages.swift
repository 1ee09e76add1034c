import FoundationEssentials
import OpenKoiCore

extension HTTPStreamingResponse {
    /// The body as AWS event-stream messages (binary frames, checksums verified).
    ///
    /// Throws `ProviderError(.malformedResponse)` (provider id empty) on a corrupt frame or if the body
    /// ends inside one.
    func awsEventStreamMessages() -> AWSEventStreamMessages { AWSEventStreamMessages(body: body) }
}

/// Event-stream messages parsed from a streamed body as its chunks arrive.
struct AWSEventStreamMessages: AsyncSequence, Sendable {
    typealias Element = AWSEventStreamMessage
    let body: AsyncThrowingStream<Data, any Error>

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(chunks: body.makeAsyncIterator())
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        var chunks: AsyncThrowingStream<Data, any Error>.AsyncIterator
        var parser = AWSEventStreamParser()
        var received = 0
        var ready: [AWSEventStreamMessage] = []
        var nextIndex = 0
        var ended = false

        mutating func next() async throws -> AWSEventStreamMessage? {
            while nextIndex == ready.count {
                guard !ended else { return nil }
                guard let chunk = try await chunks.next() else {
                    ended = true
                    try Task.checkCancellation()
                    if parser.pendingByteCount > 0 {
                        throw ProviderError(
                            .malformedResponse, provider: "",
                            message: "the event stream ended in the middle of a frame (truncated stream; "
                                + "\(parser.pendingByteCount) bytes of it received)")
                    }
                    return nil
                }
                received += chunk.count
                try StreamLimits.check(received: received, problem: nil)
                ready = try parser.feed(chunk)
                nextIndex = 0
            }
            defer { nextIndex += 1 }
            return ready[nextIndex]
        }
    }
}
