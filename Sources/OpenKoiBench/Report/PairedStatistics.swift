import FoundationEssentials
import Glibc

/// Statistics for two columns (models or settings) measured on the same tasks.
public enum PairedStatistics {
    /// Two-sided exact McNemar test: the p-value of `b` vs `c` discordant pairs under "either
    /// column is as likely to win a discordant pair" (a binomial with p = ½). 1 when there are none.
    public static func mcnemarExact(b: Int, c: Int) -> Double {
        let n = b + c
        guard n > 0 else { return 1 }
        let k = min(b, c)
        // P(X ≤ k) for X ~ Binomial(n, ½), summed in log space so large n does not overflow.
        var tail = 0.0
        for i in 0...k { tail += exp(logChoose(n, i) - Double(n) * log(2.0)) }
        return min(1, 2 * tail)
    }

    static func logChoose(_ n: Int, _ k: Int) -> Double {
        lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
    }

    /// A 95% confidence interval for the mean of `differences` (one per task) by the paired
    /// bootstrap: tasks resampled with replacement, with a fixed seed so a report is reproducible.
    public static func bootstrapInterval(
        _ differences: [Double], resamples: Int = 4000, seed: UInt64 = 0x6f70_656e_6b6f_69
    )
        -> (low: Double, high: Double)
    {
        guard !differences.isEmpty else { return (0, 0) }
        guard differences.count > 1 else { return (differences[0], differences[0]) }
        var generator = SplitMix64(seed: seed)
        var means: [Double] = []
        means.reserveCapacity(resamples)
        let n = differences.count
        for _ in 0..<resamples {
            var sum = 0.0
            for _ in 0..<n { sum += differences[Int(generator.next() % UInt64(n))] }
            means.append(sum / Double(n))
        }
        means.sort()
        return (quantile(means, 0.025), quantile(means, 0.975))
    }

    /// The `q` quantile of sorted values, linearly interpolated.
    public static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        guard let first = sorted.first else { return 0 }
        guard sorted.count > 1 else { return first }
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
    }

    /// Unbiased variance of a pass/fail outcome seen `passes` times in `trials` (0 with one trial:
    /// a single trial shows no noise).
    public static func trialVariance(passes: Int, trials: Int) -> Double {
        guard trials > 1 else { return 0 }
        let p = Double(passes) / Double(trials)
        return Double(trials) / Double(trials - 1) * p * (1 - p)
    }
}

/// A small, fast, seedable generator (SplitMix64), so bootstrap intervals are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
