import OpenKoiCore

/// How often and how long `RetryingProvider` waits between attempts.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in total, the first included.
    public var maxAttempts: Int
    /// Backoff ceiling before the first retry, in seconds; doubles per retry.
    public var baseDelay: Double
    /// Upper bound of the backoff ceiling, in seconds.
    public var maxDelay: Double
    /// Upper bound on a server's `Retry-After`, so one bad header cannot park a task for an hour.
    public var maxRetryAfter: Double

    public init(maxAttempts: Int = 5, baseDelay: Double = 1, maxDelay: Double = 30, maxRetryAfter: Double = 60) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// The backoff ceiling after failed attempt `attempt` (1-based): `baseDelay · 2^(attempt−1)`, capped.
    public func backoffCeiling(afterAttempt attempt: Int) -> Double {
        // The exponent is bounded so large attempt counts cannot overflow to infinity before the cap applies.
        let exponent = Double(min(max(attempt - 1, 0), 62))
        return min(baseDelay * pow2(exponent), maxDelay)
    }

    /// The wait before the next attempt: the server's hint when it gave one (capped), else full jitter —
    /// a uniform draw from 0…ceiling, which spreads out clients that failed together.
    /// - Parameter random: draws from a closed range; injected so tests are deterministic.
    public func delay(
        afterAttempt attempt: Int, error: ProviderError, random: (ClosedRange<Double>) -> Double
    ) -> Double {
        if case .rateLimited(let retryAfter?) = error.kind {
            return min(max(retryAfter, 0), maxRetryAfter)
        }
        return random(0...backoffCeiling(afterAttempt: attempt))
    }

    private func pow2(_ exponent: Double) -> Double {
        var result = 1.0
        for _ in 0..<Int(exponent) { result *= 2 }
        return result
    }
}
