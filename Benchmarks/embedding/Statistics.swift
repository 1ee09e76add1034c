import OpenKoiCore

/// Milliseconds in a `Duration`.
func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) / 1e15
}

/// The q-th quantile (0...1) by nearest rank.
func quantile(_ values: [Double], _ q: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))]
}

func fixed(_ value: Double, _ decimals: Int = 2) -> String { NumberText.fixed(value, decimals: decimals) }

/// "median 12.34 ms (p10 11.90, p90 13.01)".
func summary(_ values: [Double]) -> String {
    "median \(fixed(quantile(values, 0.5))) ms (p10 \(fixed(quantile(values, 0.1))), p90 \(fixed(quantile(values, 0.9))))"
}

/// Deterministic random numbers, so every run searches the same vectors.
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Roughly normal (sum of four uniforms), so random vectors point every way.
    mutating func nextGaussian() -> Float {
        var sum: Float = 0
        for _ in 0..<4 { sum += Float(next() >> 40) / Float(1 << 24) }
        return sum - 2
    }
}
