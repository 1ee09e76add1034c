import CCurlShim
import FoundationEssentials
import OpenKoiCore
import Synchronization

/// What one transfer shares between the task awaiting its head, the body's consumer and its curl thread.
///
/// The head continuation is resumed exactly once — by whichever comes first of the end of the final
/// header block, the first body byte, the end of the transfer, or cancellation — because every path
/// takes it out of `state` under the lock before resuming it.
final class CurlTransfer: Sendable {
    private enum HeadPhase {
        case notStarted
        case waiting(CheckedContinuation<HTTPResponseHead, any Error>)
        case done
    }

    /// A head ready to hand over, resumed only after the lock is released.
    private typealias HeadDelivery = (CheckedContinuation<HTTPResponseHead, any Error>, HTTPResponseHead)

    private struct State {
        var phase = HeadPhase.notStarted
        var cancelled = false
        var headParser = ResponseHeadParser()
        var received = 0
        var maxBodyBytes = Int.max
        var bodyTooLarge = false
    }

    private let bodyFeed: AsyncThrowingStream<Data, any Error>.Continuation
    private let state = Mutex(State())
    private let abortSwitch: CurlAbortSwitch
    /// For error messages, which must not show the path or query (some APIs put keys there).
    private let host: String

    /// - Parameter bodyFeed: where the body goes. The transfer must not hold the stream itself: the
    ///   consumer dropping the last reference to it is what tells the transfer to stop.
    init(url: String, bodyFeed: AsyncThrowingStream<Data, any Error>.Continuation) throws {
        guard let abortSwitch = CurlAbortSwitch() else {
            throw ProviderError(.transport, provider: "", message: "out of memory starting an HTTP transfer")
        }
        self.abortSwitch = abortSwitch
        host = CurlLibrary.host(of: url)
        self.bodyFeed = bodyFeed
        // A consumer that stops iterating (or drops the response) aborts the transfer. `.finished` is
        // our own doing at the end of the transfer and needs nothing.
        bodyFeed.onTermination = { [weak self] termination in
            if case .cancelled = termination { self?.cancel() }
        }
    }

    /// Starts the transfer on its own thread; `continuation` receives the head or the failure.
    func start(_ request: HTTPRequest, continuation: CheckedContinuation<HTTPResponseHead, any Error>) {
        let cancelledEarly = state.withLock { state in
            if state.cancelled { return true }
            state.maxBodyBytes = request.maxBodyBytes
            state.phase = .waiting(continuation)
            return false
        }
        if cancelledEarly {
            continuation.resume(throwing: CancellationError())
            return
        }
        let started = DetachedThread.start { [self] in perform(request) }
        if !started {
            finish(ProviderError(.transport, provider: "", message: "could not start a thread for HTTP to \(host)"))
        }
    }

    /// Aborts the transfer; safe from any thread, any number of times.
    func cancel() {
        let waiting = state.withLock { state in
            state.cancelled = true
            return takeWaiting(&state)
        }
        waiting?.resume(throwing: CancellationError())
        bodyFeed.finish(throwing: CancellationError())
        abortSwitch.cancel()
    }

    // MARK: - On the transfer thread

    private func perform(_ request: HTTPRequest) {
        do {
            let easy = try CurlEasyHandle(request: request, transfer: self)
            let code = okc_transfer_perform(abortSwitch.raw, easy.raw)
            if code == CURLE_OK {
                finish(nil, status: easy.responseCode)
            } else {
                finish(CurlLibrary.error(for: code, detail: easy.errorText, host: host))
            }
        } catch {
            finish(error)
        }
    }

    /// curl's header callback: one header line, status line or blank line per call.
    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let line = String(decoding: bytes, as: UTF8.self)
        let (proceed, delivery) = state.withLock { state -> (Bool, HeadDelivery?) in
            guard !state.cancelled else { return (false, nil) }
            guard let head = state.headParser.consume(line), let waiting = takeWaiting(&state) else {
                return (true, nil)
            }
            return (true, (waiting, head))
        }
        if let (continuation, head) = delivery { continuation.resume(returning: head) }
        return proceed
    }

    /// curl's write callback: a piece of the body, in order.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let (proceed, delivery) = state.withLock { state -> (Bool, HeadDelivery?) in
            guard !state.cancelled else { return (false, nil) }
            state.received += bytes.count
            if state.received > state.maxBodyBytes {
                state.bodyTooLarge = true
                return (false, nil)
            }
            // Normally the blank line ending the headers came first; this covers responses without one.
            guard let waiting = takeWaiting(&state) else { return (true, nil) }
            return (true, (waiting, state.headParser.partialHead))
        }
        guard proceed else { return false }
        if let (continuation, head) = delivery { continuation.resume(returning: head) }
        let chunk = bytes.baseAddress.map { Data(bytes: $0, count: bytes.count) } ?? Data()
        if case .terminated = bodyFeed.yield(chunk) {
            cancel()
            return false
        }
        return true
    }

    /// Ends the transfer: resumes a still-waiting `send` and closes the body stream.
    private func finish(_ failure: (any Error)?, status: Int = 0) {
        let (waiting, head, cancelled, tooLarge) = state.withLock { state in
            var head = state.headParser.partialHead
            if head.status == 0 { head.status = status }
            return (takeWaiting(&state), head, state.cancelled, state.bodyTooLarge ? state.maxBodyBytes : nil)
        }
        // After a cancel or an oversized body, curl's own error (aborted, write error) would only hide
        // the real cause.
        var failure: (any Error)? = cancelled ? CancellationError() : failure
        if let tooLarge, !cancelled {
            failure = ProviderError(
                .malformedResponse, provider: "",
                message:
                    "the response from \(host) exceeds \(StreamLimits.describe(tooLarge)); the transfer was stopped")
        }
        if let failure {
            waiting?.resume(throwing: failure)
            bodyFeed.finish(throwing: failure)
        } else {
            waiting?.resume(returning: head)
            bodyFeed.finish()
        }
    }

    private func takeWaiting(_ state: inout State) -> CheckedContinuation<HTTPResponseHead, any Error>? {
        guard case .waiting(let continuation) = state.phase else { return nil }
        state.phase = .done
        return continuation
    }
}

/// Owns the C `okc_transfer` that lets another thread abort a running transfer.
///
/// `@unchecked Sendable` is safe: `okc_transfer_cancel` is thread-safe by contract (an atomic flag plus
/// a mutex around the multi handle it wakes), `okc_transfer_perform` runs once on the transfer thread,
/// and `okc_transfer_destroy` runs only in `deinit`, when no other reference exists to call either.
private final class CurlAbortSwitch: @unchecked Sendable {
    let raw: OpaquePointer

    init?() {
        guard let raw = okc_transfer_create() else { return nil }
        self.raw = raw
    }

    deinit { okc_transfer_destroy(raw) }

    func cancel() { okc_transfer_cancel(raw) }
}
