/// Numbers as text for messages and progress, the one place that formats them (Foundation's
/// formatters pull in ICU, which a static binary should not carry).
public enum NumberText {
    /// As the user would write it: `1.0` → `1`, `0.8` → `0.8`, `120` → `120`.
    public static func plain(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    /// Exactly `decimals` digits after the point, rounded: `fixed(0.8, decimals: 2)` → `0.80`.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        // Beyond what Int holds exactly, the plain form is as good as it gets.
        guard scaled < 9e15 else { return plain(value) }
        let whole = Int(scaled / scale)
        var fraction = String(Int(scaled - Double(whole) * scale))
        while fraction.count < decimals { fraction = "0" + fraction }
        let sign = value < 0 && scaled != 0 ? "-" : ""
        return decimals == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }

    /// US dollars with 4 decimals (costs of a few tokens are fractions of a cent).
    public static func dollars(_ value: Double) -> String { fixed(value, decimals: 4) }

    /// Hexadecimal, zero-padded to `digits`: `hex(0x1B, digits: 2)` → `1B` (`String(format:)` is not
    /// in FoundationEssentials).
    public static func hex(_ value: some BinaryInteger, digits: Int, uppercase: Bool = true) -> String {
        let text = String(value, radix: 16, uppercase: uppercase)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
