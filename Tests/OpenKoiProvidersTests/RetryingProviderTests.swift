import OpenKoiCore
import Testing

@testable import OpenKoiProviders

/// A provider that plays one scripted attempt per call and counts calls.
actor AttemptScript {
    enum Attempt: Sendable {
        case events([ChatStreamEvent])
        case fail(ProviderError, after: [ChatStreamEvent] = [])
    }

    private var attempts: [Attempt]
    private(set) var calls = 0

    init(_ attempts: [Attempt]) {
        self.attempts = attempts
    }

    func next() -> Attempt {
        calls += 1
        return attempts.isEmpty
            ? .fail(ProviderError(.http(status: 500), provider: "scripted", message: "script exhausted"))
            : attempts.removeFirst()
    }
}

struct ScriptedAttemptsProvider: ModelProvider {
    let id = "scripted"
    let script: AttemptScript

    func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        AsyncThrowingStream { continuation in
            Task {
                switch await script.next() {
                case .events(let events):
                    events.forEach { continuation.yield($0) }
                    continuation.finish()
                case .fail(let error, let before):
                    before.forEach { continuation.yield($0) }
                    continuation.finish(throwing: error)
                }
            }
        }
    }
}

/// Records requested sleeps and returns at once.
actor SleepLog {
    private(set) var delays: [Double] = []
    func record(_ seconds: Double) { delays.append(seconds) }
}

struct RetryingProviderTests {
    let answer: [ChatStreamEvent] = [.textDelta("ok"), .stop(.endTurn)]
    let request = ChatRequest(model: "m", messages: [.user("x")])

    func retrying(
        _ script: AttemptScript, log: SleepLog, policy: RetryPolicy = RetryPolicy(), retries: LockedValue<[Int]>? = nil
    )
        -> RetryingProvider
    {
        RetryingProvider(
            wrapping: ScriptedAttemptsProvider(script: script), policy: policy,
            sleep: { await log.record($0) }, random: { $0.upperBound },
            onRetry: { attempt, _, _ in retries?.withLock { $0.append(attempt) } })
    }

    func error(_ kind: ProviderError.Kind) -> ProviderError {
        ProviderError(kind, provider: "scripted", message: "boom")
    }

    @Test func rateLimitWaitsRetryAfterThenSucceeds() async throws {
        let script = AttemptScript([.fail(error(.rateLimited(retryAfter: 2))), .events(answer)])
        let log = SleepLog()
        let retries = LockedValue<[Int]>([])
        let (events, failure) = await drain(retrying(script, log: log, retries: retries).stream(request))
        #expect(failure == nil)
        #expect(events == answer)
        #expect(await log.delays == [2])
        #expect(retries.value == [1])
    }

    @Test func retryAfterIsCappedAtSixtySeconds() async throws {
        let script = AttemptScript([.fail(error(.rateLimited(retryAfter: 5000))), .events(answer)])
        let log = SleepLog()
        _ = await drain(retrying(script, log: log).stream(request))
        #expect(await log.delays == [60])
    }

    @Test func serverErrorsBackOffExponentiallyWithCap() async throws {
        let script = AttemptScript([
            .fail(error(.http(status: 500))), .fail(error(.http(status: 503))), .fail(error(.transport)),
            .events(answer),
        ])
        let log = SleepLog()
        let (events, _) = await drain(retrying(script, log: log).stream(request))
        #expect(events == answer)
        // `random` returns the ceiling, so the delays are the ceilings themselves.
        #expect(await log.delays == [1, 2, 4])
        let policy = RetryPolicy()
        #expect((1...8).map { policy.backoffCeiling(afterAttempt: $0) } == [1, 2, 4, 8, 16, 30, 30, 30])
        #expect(policy.backoffCeiling(afterAttempt: 10_000) == 30)
    }

    @Test func fullJitterDrawsFromZeroToTheCeiling() {
        let policy = RetryPolicy()
        let ranges = LockedValue<[ClosedRange<Double>]>([])
        let delay = policy.delay(afterAttempt: 3, error: error(.http(status: 500))) { range in
            ranges.withLock { $0.append(range) }
            return range.lowerBound
        }
        #expect(delay == 0)
        #expect(ranges.value == [0...4])
    }

    @Test func nonRetriableErrorsAreNotRetried() async throws {
        for kind in [ProviderError.Kind.authentication, .contextOverflow, .malformedResponse, .http(status: 400)] {
            let script = AttemptScript([.fail(error(kind)), .events(answer)])
            let log = SleepLog()
            let (_, failure) = await drain(retrying(script, log: log).stream(request))
            #expect((failure as? ProviderError)?.kind == kind)
            #expect(await script.calls == 1)
        }
    }

    @Test func givesUpAfterMaxAttempts() async throws {
        let script = AttemptScript(Array(repeating: .fail(error(.http(status: 502))), count: 10))
        let log = SleepLog()
        let (_, failure) = await drain(retrying(script, log: log, policy: RetryPolicy(maxAttempts: 3)).stream(request))
        #expect((failure as? ProviderError)?.kind == .http(status: 502))
        #expect(await script.calls == 3)
        #expect(await log.delays.count == 2)
    }

    @Test func halfStreamedAnswersAreNeverReplayed() async throws {
        let script = AttemptScript([.fail(error(.transport), after: [.textDelta("Hal")]), .events(answer)])
        let log = SleepLog()
        let (events, failure) = await drain(retrying(script, log: log).stream(request))
        #expect(events == [.textDelta("Hal")])
        #expect((failure as? ProviderError)?.kind == .transport)
        #expect(await script.calls == 1)
    }

    @Test func usageBeforeContentDoesNotBlockARetry() async throws {
        let early = ChatStreamEvent.usage(TokenUsage(inputTokens: 5))
        let script = AttemptScript([.fail(error(.http(status: 529)), after: [early]), .events([early] + answer)])
        let log = SleepLog()
        let (events, failure) = await drain(retrying(script, log: log).stream(request))
        #expect(failure == nil)
        #expect(events == [early] + answer)
        #expect(await script.calls == 2)
    }

    @Test func cancellationDuringBackoffStopsAtOnce() async throws {
        let script = AttemptScript([.fail(error(.http(status: 500))), .events(answer)])
        let (retried, retriedSignal) = AsyncStream<Void>.makeStream()
        let provider = RetryingProvider(
            wrapping: ScriptedAttemptsProvider(script: script),
            // A real sleep that would outlast the test: only cancellation can end it.
            sleep: { seconds in try await Task.sleep(for: .seconds(3600)) },
            onRetry: { _, _, _ in retriedSignal.yield() })
        let consumer = Task { await drain(provider.stream(request)) }
        var iterator = retried.makeAsyncIterator()
        await iterator.next()
        consumer.cancel()
        let (events, _) = await consumer.value
        #expect(events.isEmpty)
        #expect(await script.calls == 1)
    }
}
