import FoundationEssentials

/// RFC 3339 UTC timestamps as the store writes them (`2026-12-03T16:40:05Z`, the original's form),
/// and the calendar fields usage events are mined by.
enum Timestamp {
    static func now() -> String { string(Date()) }

    static func string(_ date: Date) -> String { date.ISO8601Format() }

    static func date(_ text: String) -> Date? { try? Date(text, strategy: .iso8601) }

    /// UTC day (`YYYY-MM-DD`), hour (0–23) and weekday (Monday = 0), as in the original's usage events.
    static func fields(_ date: Date) -> (day: String, hour: Int, weekday: Int) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let hour = (seconds - days * 86_400) / 3_600
        // 1970-01-01 was a Thursday (Monday = 0 → Thursday = 3).
        let weekday = ((days % 7) + 7 + 3) % 7
        let (year, month, day) = civil(fromDays: days)
        func pad(_ n: Int, _ width: Int) -> String {
            let text = String(n)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return ("\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))", hour, weekday)
    }

    /// Howard Hinnant's days-from-civil inverse: days since 1970-01-01 → (year, month, day).
    static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
