import FoundationEssentials
import OpenKoiCore

/// Reads a server's "wait this long" hint from response headers.
///
/// Servers say it three ways: `retry-after-ms` (OpenAI), `retry-after` in seconds (may be fractional),
/// or `retry-after` as an HTTP-date (RFC 9110 §10.2.3).
public enum RetryAfter {
    /// Seconds to wait, or `nil` when the headers carry no usable hint.
    /// - Parameters:
    ///   - headers: response headers, names lowercased.
    ///   - now: the current time, for HTTP-date values.
    public static func seconds(from headers: [String: String], now: Date = Date()) -> Double? {
        if let ms = headers["retry-after-ms"].flatMap({ Double($0.trimmed) }),
            ms.isFinite, ms >= 0
        {
            return ms / 1000
        }
        guard let raw = headers["retry-after"]?.trimmed, !raw.isEmpty else {
            return nil
        }
        if let seconds = Double(raw) {
            return seconds.isFinite && seconds >= 0 ? seconds : nil
        }
        guard let date = parseHTTPDate(raw) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    /// Parses the IMF-fixdate form, `Sun, 06 Nov 1994 08:49:37 GMT`, the only one servers send today.
    /// Written by hand because `DateFormatter` would pull ICU into the binary (DESIGN.md §4).
    static func parseHTTPDate(_ text: String) -> Date? {
        let parts = text.split(separator: " ").map(String.init)
        guard parts.count == 6, parts[5] == "GMT",
            let day = Int(parts[1]),
            let month = months.firstIndex(of: parts[2]).map({ $0 + 1 }),
            let year = Int(parts[3]),
            // A year a server could mean; beyond it the day arithmetic would overflow (and trap).
            (1970...9999).contains(year)
        else { return nil }
        let clock = parts[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3, (1...31).contains(day), (0...23).contains(clock[0]), (0...59).contains(clock[1]),
            (0...60).contains(clock[2])
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Double(days * 86_400 + clock[0] * 3600 + clock[1] * 60 + clock[2])
        return Date(timeIntervalSince1970: seconds)
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
