/// How much the CLI logs to stderr; `warn` unless the config or `OPENKOI_LOG_LEVEL` says otherwise.
public enum LogLevel: String, Sendable, Hashable, CaseIterable, Comparable {
    case error, warn, info, debug, trace

    /// Accepts any letter case, and `warning` because people type it.
    public init?(name: String) {
        let lower = name.lowercased()
        if lower == "warning" {
            self = .warn
            return
        }
        guard let level = LogLevel(rawValue: lower) else { return nil }
        self = level
    }

    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    /// `error < warn < … < trace`: a message is shown when its level is ≤ the configured one.
    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rank < rhs.rank }

    static let choices = allCases.map(\.rawValue).joined(separator: ", ")
}
