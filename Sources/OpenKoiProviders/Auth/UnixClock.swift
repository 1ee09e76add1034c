import FoundationEssentials

/// The wall clock in whole Unix seconds, the unit `auth.json` and token endpoints use. Logins and token
/// caches take one as a parameter so tests can move time instead of waiting for it.
public typealias UnixClock = @Sendable () -> Int

public enum UnixTime {
    /// The system clock.
    public static let system: UnixClock = { Int(Date().timeIntervalSince1970) }
}
