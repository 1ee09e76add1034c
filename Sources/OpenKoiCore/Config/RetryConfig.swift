/// `[retry]`: how model calls are retried (one policy for every provider) and when a provider's
/// circuit breaker opens.
public struct RetryConfig: Sendable, Equatable {
    /// Attempts per call, the first included (key `max_attempts`, 1–20).
    public var maxAttempts: Int
    /// Backoff ceiling before the first retry, doubled per retry (key `base_delay_seconds`).
    public var baseDelaySeconds: Double
    /// Upper bound of the backoff ceiling (key `max_delay_seconds`).
    public var maxDelaySeconds: Double
    /// Upper bound on a server's `Retry-After` (key `max_retry_after_seconds`).
    public var maxRetryAfterSeconds: Double
    /// Consecutive failed calls that open a provider's breaker (key `breaker_failures`).
    public var breakerFailures: Int
    /// Seconds an open breaker skips its provider before letting one call through (key `breaker_cooldown_seconds`).
    public var breakerCooldownSeconds: Double

    public init(
        maxAttempts: Int = 5, baseDelaySeconds: Double = 1, maxDelaySeconds: Double = 30,
        maxRetryAfterSeconds: Double = 60, breakerFailures: Int = 3, breakerCooldownSeconds: Double = 30
    ) {
        self.maxAttempts = maxAttempts
        self.baseDelaySeconds = baseDelaySeconds
        self.maxDelaySeconds = maxDelaySeconds
        self.maxRetryAfterSeconds = maxRetryAfterSeconds
        self.breakerFailures = breakerFailures
        self.breakerCooldownSeconds = breakerCooldownSeconds
    }

    init(reading table: ConfigTableReader) throws(ConfigError) {
        self.init()
        if let value = try table.integer("max_attempts", atLeast: 1, atMost: 20) { maxAttempts = value }
        if let value = try table.number("base_delay_seconds", in: 0...600) { baseDelaySeconds = value }
        if let value = try table.number("max_delay_seconds", in: 0...3600) { maxDelaySeconds = value }
        if let value = try table.number("max_retry_after_seconds", in: 0...3600) {
            maxRetryAfterSeconds = value
        }
        if let value = try table.integer("breaker_failures", atLeast: 1, atMost: 1000) { breakerFailures = value }
        if let value = try table.number("breaker_cooldown_seconds", in: 0...86_400) {
            breakerCooldownSeconds = value
        }
    }
}
