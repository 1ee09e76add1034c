import OpenKoiCore
import OpenKoiProviders
import OpenKoiTesting
import Testing

/// `[models.fallback]`: a failing primary hands the call to the next candidate, priced as that
/// candidate; breakers stop sending calls to a provider that keeps failing, and let one through
/// after the cooldown.
struct FailoverProviderTests {
    let cheap = ModelPricing(inputPerMTok: 1, outputPerMTok: 2)
    let dear = ModelPricing(inputPerMTok: 10, outputPerMTok: 20)

    func failing(_ id: String, _ kind: ProviderError.Kind) -> ScriptedModel {
        ScriptedModel(id: id) { _, _ in throw ProviderError(kind, provider: id, message: "down") }
    }

    final class Clock: @unchecked Sendable {
        private let now = LockedValue(1000.0)
        var time: Double { now.value }
        func advance(_ seconds: Double) { now.withLock { $0 += seconds } }
    }

    @Test func aDeadPrimaryFailsOverAndTheAnswerIsPricedAsTheFallback() async throws {
        let primary = failing("primary", .connectionRefused)
        let fallback = ScriptedModel(id: "backup", replies: [.text("Paris")])
        let switches = LockedValue<[String]>([])
        let chain = FailoverProvider(
            [
                .init(provider: primary, model: "big", pricing: dear),
                .init(provider: fallback, model: "small", pricing: cheap),
            ],
            breakers: CircuitBreakers(),
            onFailover: { from, to, _ in switches.withLock { $0.append("\(from) -> \(to)") } })
        let response = try await chain.chat(ChatRequest(model: "big", messages: [.user("capital of France?")]))
        #expect(response.content == "Paris")
        #expect(response.pricing == cheap)
        #expect(fallback.requests.map(\.model) == ["small"])
        #expect(switches.value == ["primary/big -> backup/small"])
    }

    @Test func anAnswerFromThePrimaryKeepsItsPrice() async throws {
        let primary = ScriptedModel(id: "primary", replies: [.text("Paris")])
        let chain = FailoverProvider(
            [
                .init(provider: primary, model: "big", pricing: dear),
                .init(provider: ScriptedModel(id: "backup", replies: []), model: "small", pricing: cheap),
            ], breakers: CircuitBreakers())
        let response = try await chain.chat(ChatRequest(model: "big", messages: [.user("q")]))
        #expect(response.content == "Paris")
        #expect(response.pricing == nil)  // the binding's own price applies
    }

    /// Only failures another provider could avoid move the call: an overflow is the caller's to prune.
    @Test func contextOverflowIsNotFailedOver() async throws {
        let fallback = ScriptedModel(id: "backup", replies: [.text("never")])
        let chain = FailoverProvider(
            [
                .init(provider: failing("primary", .contextOverflow), model: "big", pricing: dear),
                .init(provider: fallback, model: "small", pricing: cheap),
            ], breakers: CircuitBreakers())
        await #expect {
            _ = try await chain.chat(ChatRequest(model: "big", messages: [.user("q")]))
        } throws: { ($0 as? ProviderError)?.kind == .contextOverflow }
        #expect(fallback.callCount == 0)
    }

    @Test func aBreakerOpensAfterRepeatedFailuresAndHalfOpensAfterTheCooldown() async throws {
        let clock = Clock()
        let breakers = CircuitBreakers(failureThreshold: 2, cooldown: 30, now: { clock.time })
        let primary = failing("primary", .http(status: 503))
        let fallback = ScriptedModel(id: "backup") { _, _ in .text("ok") }
        let chain = FailoverProvider(
            [
                .init(provider: primary, model: "big", pricing: dear),
                .init(provider: fallback, model: "small", pricing: cheap),
            ], breakers: breakers)
        let request = ChatRequest(model: "big", messages: [.user("q")])
        for _ in 0..<4 { #expect(try await chain.chat(request).content == "ok") }
        // Two failures opened the breaker: the last two calls went straight to the fallback.
        #expect(primary.callCount == 2)
        #expect(breakers.state(of: "primary") == .open(until: 1030))
        clock.advance(31)
        #expect(breakers.state(of: "primary") == .halfOpen)
        #expect(try await chain.chat(request).content == "ok")
        #expect(primary.callCount == 3)  // one trial call in the half-open state, which failed
        #expect(breakers.state(of: "primary") == .open(until: 1061))
    }

    @Test func aSuccessfulTrialCallClosesTheBreaker() {
        let clock = Clock()
        let breakers = CircuitBreakers(failureThreshold: 1, cooldown: 10, now: { clock.time })
        breakers.recordFailure("p")
        #expect(!breakers.allowsCall(to: "p"))
        clock.advance(11)
        #expect(breakers.allowsCall(to: "p"))
        #expect(!breakers.allowsCall(to: "p"))  // only one trial at a time
        breakers.recordSuccess("p")
        #expect(breakers.state(of: "p") == .closed)
        #expect(breakers.allowsCall(to: "p"))
    }

    @Test func whenEveryCandidateIsCoolingDownTheErrorSaysSo() async throws {
        let clock = Clock()
        let breakers = CircuitBreakers(failureThreshold: 1, cooldown: 30, now: { clock.time })
        breakers.recordFailure("primary")
        let chain = FailoverProvider(
            [.init(provider: ScriptedModel(id: "primary", replies: []), model: "m", pricing: dear)], breakers: breakers)
        await #expect {
            _ = try await chain.chat(ChatRequest(model: "m", messages: [.user("q")]))
        } throws: { error in
            (error as? ProviderError)?.message.contains("every candidate is cooling down") == true
        }
    }

    /// A half-streamed answer is never replayed on another model.
    @Test func aFailureAfterTextHasArrivedIsNotFailedOver() async throws {
        let streaming = ScriptedModel(id: "primary") { _, _ in .text("Par") }
        let broken = BrokenAfterText(inner: streaming)
        let fallback = ScriptedModel(id: "backup", replies: [.text("never")])
        let chain = FailoverProvider(
            [
                .init(provider: broken, model: "big", pricing: dear),
                .init(provider: fallback, model: "small", pricing: cheap),
            ], breakers: CircuitBreakers())
        await #expect(throws: ProviderError.self) {
            _ = try await chain.chat(ChatRequest(model: "big", messages: [.user("q")]))
        }
        #expect(fallback.callCount == 0)
    }
}

/// Streams the inner provider's text, then fails as a dropped connection would.
struct BrokenAfterText: ModelProvider {
    let inner: any ModelProvider
    var id: String { inner.id }

    func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    for try await event in inner.stream(request) {
                        if case .textDelta = event { continuation.yield(event) }
                    }
                    continuation.finish(throwing: ProviderError(.transport, provider: id, message: "connection reset"))
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
