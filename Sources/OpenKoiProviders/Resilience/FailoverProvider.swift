import OpenKoiCore

/// A model and the fallbacks to try, in order, when it fails (`[models.fallback] executor`).
///
/// A candidate is skipped while its provider's breaker is open. A call moves to the next candidate
/// only if it failed before any of its answer reached the caller, and only for failures another
/// provider could avoid (outages, rate limits, refused connections, rejected credentials); a
/// context overflow or a bad request is the caller's to handle and is thrown at once.
public struct FailoverProvider: ModelProvider, CustomStringConvertible {
    public struct Candidate: Sendable {
        public var provider: any ModelProvider
        public var model: String
        public var pricing: ModelPricing

        public init(provider: any ModelProvider, model: String, pricing: ModelPricing) {
            self.provider = provider
            self.model = model
            self.pricing = pricing
        }

        public var label: String { "\(provider.id)/\(model)" }
    }

    /// Told when a call leaves one candidate for the next: the one that failed, the next, the reason.
    public typealias FailoverObserver = @Sendable (_ from: String, _ to: String, _ reason: String) -> Void

    public let candidates: [Candidate]
    public let breakers: CircuitBreakers
    private let onFailover: FailoverObserver

    /// - Parameter candidates: the primary first; must not be empty.
    public init(
        _ candidates: [Candidate], breakers: CircuitBreakers, onFailover: @escaping FailoverObserver = { _, _, _ in }
    ) {
        precondition(!candidates.isEmpty, "a failover chain needs a primary")
        self.candidates = candidates
        self.breakers = breakers
        self.onFailover = onFailover
    }

    public var id: String { candidates[0].provider.id }
    public var description: String { "FailoverProvider(\(candidates.map(\.label).joined(separator: " → ")))" }

    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        chatEventStream(provider: id, secret: nil) { emit in try await run(request, emit: emit) }
    }

    private func run(_ request: ChatRequest, emit: (ChatStreamEvent) -> Void) async throws {
        let primary = candidates[0]
        var lastError: (any Error)?
        var skipped: [String] = []
        for (index, candidate) in candidates.enumerated() {
            let providerID = candidate.provider.id
            guard breakers.allowsCall(to: providerID) else {
                skipped.append(candidate.label)
                continue
            }
            var call = request
            // The request names the primary's model; a fallback is asked for its own.
            if index > 0 || request.model == primary.model { call.model = candidate.model }
            var forwarded = false
            do {
                if index > 0 { emit(.fallback(model: candidate.label, pricing: candidate.pricing)) }
                for try await event in candidate.provider.stream(call) {
                    forwarded = true
                    emit(event)
                }
                breakers.recordSuccess(providerID)
                return
            } catch {
                try Task.checkCancellation()
                guard !forwarded, let failure = error as? ProviderError, Self.isProviderFault(failure) else {
                    if !forwarded { breakers.recordSuccess(providerID) }  // it answered; the request was at fault
                    throw error
                }
                breakers.recordFailure(providerID)
                lastError = error
                if let next = candidates.dropFirst(index + 1).first {
                    onFailover(candidate.label, next.label, failure.message)
                }
            }
        }
        if let lastError { throw lastError }
        throw ProviderError(
            .transport, provider: primary.provider.id,
            message: "every candidate is cooling down after repeated failures (\(skipped.joined(separator: ", "))); "
                + "try again in \(Int(breakers.cooldown)) s")
    }

    /// Failures a different provider would not have.
    static func isProviderFault(_ error: ProviderError) -> Bool {
        switch error.kind {
        case .rateLimited, .transport, .timeout, .connectionRefused, .authentication, .notConfigured: return true
        case .http(let status): return status >= 500 || status == 408 || status == 404
        case .contextOverflow, .malformedResponse: return false
        }
    }
}
