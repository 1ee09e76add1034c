import OpenKoiCore

/// Wraps a provider and retries failed requests with backoff, but only while nothing of the answer has
/// reached the caller: a half-streamed answer is never replayed.
public struct RetryingProvider: ModelProvider, CustomStringConvertible {
    /// Sleeps for a number of seconds; throws `CancellationError` when the task is cancelled.
    public typealias Sleeper = @Sendable (_ seconds: Double) async throws -> Void
    /// Told about each retry before its wait: the attempt that failed (1-based), the wait in seconds, the error.
    public typealias RetryObserver = @Sendable (_ attempt: Int, _ delay: Double, _ error: ProviderError) -> Void

    public let inner: any ModelProvider
    public let policy: RetryPolicy
    private let sleep: Sleeper
    private let random: @Sendable (ClosedRange<Double>) -> Double
    private let onRetry: RetryObserver

    /// - Parameters:
    ///   - inner: the provider to call.
    ///   - policy: attempts and delays.
    ///   - sleep: waits between attempts; tests inject one that records and returns at once.
    ///   - random: jitter source; defaults to the system generator.
    ///   - onRetry: called before each wait, so the CLI can show "retrying in 3 s".
    public init(
        wrapping inner: any ModelProvider, policy: RetryPolicy = RetryPolicy(),
        sleep: @escaping Sleeper = { seconds in try await Task.sleep(for: .seconds(seconds)) },
        random: @escaping @Sendable (ClosedRange<Double>) -> Double = { Double.random(in: $0) },
        onRetry: @escaping RetryObserver = { _, _, _ in }
    ) {
        self.inner = inner
        self.policy = policy
        self.sleep = sleep
        self.random = random
        self.onRetry = onRetry
    }

    public var id: String { inner.id }
    public var description: String { "RetryingProvider(\(inner))" }

    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        chatEventStream(provider: id, secret: nil) { emit in try await run(request, emit: emit) }
    }

    private func run(_ request: ChatRequest, emit: (ChatStreamEvent) -> Void) async throws {
        var attempt = 1
        while true {
            // Usage reported before any content (Anthropic's message_start) is held back: forwarding it would
            // make an attempt that fails right after it impossible to retry.
            var heldUsage: [ChatStreamEvent] = []
            var forwardedContent = false
            do {
                for try await event in inner.stream(request) {
                    if case .usage = event, !forwardedContent {
                        heldUsage.append(event)
                        continue
                    }
                    if !forwardedContent {
                        forwardedContent = true
                        heldUsage.forEach(emit)
                        heldUsage = []
                    }
                    emit(event)
                }
                heldUsage.forEach(emit)
                return
            } catch {
                try Task.checkCancellation()
                guard !forwardedContent, attempt < policy.maxAttempts,
                    let failure = error as? ProviderError, failure.isRetriable
                else { throw error }
                let delay = policy.delay(afterAttempt: attempt, error: failure, random: random)
                onRetry(attempt, delay, failure)
                try await sleep(delay)
                attempt += 1
            }
        }
    }
}
