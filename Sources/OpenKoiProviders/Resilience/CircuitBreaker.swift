import FoundationEssentials
import OpenKoiCore

/// Per-provider circuit breakers: after `failureThreshold` consecutive failed calls a provider is
/// *open* (skipped) for `cooldown` seconds, then *half-open*: one call is let through, and its
/// outcome closes the breaker or opens it again. Shared by every task of the process, so a batch
/// stops sending work to a dead provider after a few failures, not after a few per task.
public final class CircuitBreakers: Sendable {
    public enum State: Sendable, Hashable {
        case closed
        case open(until: Double)
        case halfOpen
    }

    public let failureThreshold: Int
    public let cooldown: Double
    private let now: @Sendable () -> Double
    private let states: LockedValue<[String: Entry]> = LockedValue([:])

    private struct Entry {
        var failures = 0
        var openUntil: Double?
        var probing = false
    }

    public init(
        failureThreshold: Int = 3, cooldown: Double = 30,
        now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.failureThreshold = max(1, failureThreshold)
        self.cooldown = cooldown
        self.now = now
    }

    public func state(of provider: String) -> State {
        let time = now()
        return states.withLock { entries in
            guard let until = entries[provider]?.openUntil else { return .closed }
            return time < until ? .open(until: until) : .halfOpen
        }
    }

    /// Whether a call may go to `provider` now; in the half-open state only the first caller may.
    public func allowsCall(to provider: String) -> Bool {
        let time = now()
        return states.withLock { entries in
            guard var entry = entries[provider], let until = entry.openUntil else { return true }
            if time < until { return false }
            if entry.probing { return false }
            entry.probing = true
            entries[provider] = entry
            return true
        }
    }

    public func recordSuccess(_ provider: String) {
        states.withLock { $0[provider] = nil }
    }

    public func recordFailure(_ provider: String) {
        let time = now()
        states.withLock { entries in
            var entry = entries[provider] ?? Entry()
            entry.failures += 1
            entry.probing = false
            if entry.failures >= failureThreshold || entry.openUntil != nil { entry.openUntil = time + cooldown }
            entries[provider] = entry
        }
    }
}
