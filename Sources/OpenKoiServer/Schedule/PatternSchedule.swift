/// When an approved pattern runs (reference §5: its `frequency` read as a schedule, in UTC):
/// `hourly` (minute 0), `daily HH:MM`, `every Xm` (minutes since midnight divisible by X). The
/// miner's own wording of a time-based pattern, "daily around HH:MM UTC", reads as `daily HH:MM`.
/// Other frequencies ("daily", "3x/week") describe, they do not schedule.
public enum PatternSchedule: Sendable, Hashable {
    case hourly
    case daily(minuteOfDay: Int)
    case every(minutes: Int)

    public init?(_ frequency: String) {
        let words = frequency.lowercased().split(separator: " ").map(String.init)
        switch words.first {
        case "hourly" where words.count == 1: self = .hourly
        case "daily":
            let rest = words.dropFirst().filter { $0 != "around" && $0 != "utc" }
            guard rest.count == 1, let minute = Self.minuteOfDay(rest[rest.startIndex]) else { return nil }
            self = .daily(minuteOfDay: minute)
        case "every" where words.count == 2 && words[1].hasSuffix("m"):
            guard let minutes = Int(words[1].dropLast()), minutes > 0 else { return nil }
            self = .every(minutes: minutes)
        default: return nil
        }
    }

    /// Whether the schedule fires in the UTC minute `epochMinute` (minutes since 1970).
    public func isDue(atEpochMinute epochMinute: Int64) -> Bool {
        let minuteOfDay = Int(((epochMinute % 1440) + 1440) % 1440)
        switch self {
        case .hourly: return minuteOfDay % 60 == 0
        case .daily(let at): return minuteOfDay == at
        case .every(let minutes): return minuteOfDay % minutes == 0
        }
    }

    /// `HH:MM` → minutes since midnight.
    static func minuteOfDay(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour),
            (0..<60).contains(minute)
        else { return nil }
        return hour * 60 + minute
    }
}
