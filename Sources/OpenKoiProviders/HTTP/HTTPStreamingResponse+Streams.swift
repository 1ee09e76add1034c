import FoundationEssentials
import OpenKoiCore

/// Bounds on a streamed answer, so a broken or hostile server cannot exhaust memory (README, "Limits").
public enum StreamLimits {
    /// A whole streamed chat response; a long answer with every JSON wrapper is far below it.
    public static let maxBodyBytes = 64 << 20

    /// "64 MiB" for whole mebibytes, else a byte count.
    static func describe(_ bytes: Int) -> String {
        bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
    }

    static func check(received: Int, problem: String?) throws {
        if let problem {
            throw ProviderError(.malformedResponse, provider: "", message: problem + "; the stream was stopped")
        }
        if received > maxBodyBytes {
            throw ProviderError(
                .malformedResponse, provider: "",
                message: "the streamed response exceeds \(describe(maxBodyBytes)); the stream was stopped")
        }
    }
}

extension HTTPStreamingResponse {
    /// The body as server-sent events.
    ///
    /// Throws `ProviderError(.malformedResponse)` (provider id empty) if the body ends inside an event.
    public func sseEvents() -> SSEEventSequence { SSEEventSequence(body: body) }

    /// The body as newline-delimited JSON records (the text of each non-blank line).
    ///
    /// A last line without its newline is still returned: whether it is complete, only decoding can tell.
    public func ndjsonLines() -> NDJSONLineSequence { NDJSONLineSequence(body: body) }
}

/// Server-sent events parsed from a streamed body as its chunks arrive.
public struct SSEEventSequence: AsyncSequence, Sendable {
    public typealias Element = SSEEvent
    let body: AsyncThrowingStream<Data, any Error>

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(chunks: body.makeAsyncIterator())
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var chunks: AsyncThrowingStream<Data, any Error>.AsyncIterator
        var parser = SSEParser()
        var received = 0
        var ready: [SSEEvent] = []
        var nextIndex = 0
        var ended = false

        public mutating func next() async throws -> SSEEvent? {
            while nextIndex == ready.count {
                guard !ended else { return nil }
                guard let chunk = try await chunks.next() else {
                    ended = true
                    // A cancelled consumer sees the body end early; that is not the server's fault.
                    try Task.checkCancellation()
                    if let partial = parser.finish() {
                        throw ProviderError(
                            .malformedResponse, provider: "",
                            message: "the event stream ended in the middle of an event (truncated stream; "
                                + "\(partial.data.utf8.count) bytes of data received for it)")
                    }
                    return nil
                }
                received += chunk.count
                ready = parser.feed(chunk)
                nextIndex = 0
                try StreamLimits.check(received: received, problem: parser.limitExceeded)
            }
            defer { nextIndex += 1 }
            return ready[nextIndex]
        }
    }
}

/// Newline-delimited records read from a streamed body as its chunks arrive.
public struct NDJSONLineSequence: AsyncSequence, Sendable {
    public typealias Element = String
    let body: AsyncThrowingStream<Data, any Error>

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(chunks: body.makeAsyncIterator())
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var chunks: AsyncThrowingStream<Data, any Error>.AsyncIterator
        var parser = NDJSONParser()
        var received = 0
        var ready: [String] = []
        var nextIndex = 0
        var ended = false

        public mutating func next() async throws -> String? {
            while nextIndex == ready.count {
                guard !ended else { return nil }
                guard let chunk = try await chunks.next() else {
                    ended = true
                    try Task.checkCancellation()
                    ready = parser.finish().map { [$0] } ?? []
                    nextIndex = 0
                    continue
                }
                received += chunk.count
                ready = parser.feed(chunk)
                nextIndex = 0
                try StreamLimits.check(received: received, problem: parser.limitExceeded)
            }
            defer { nextIndex += 1 }
            return ready[nextIndex]
        }
    }
}
