import OpenKoiCore

/// Number formats shared by the text, Markdown and HTML reports.
enum ReportFormatting {
    static func percent(_ value: Double) -> String { NumberText.fixed(value * 100, decimals: 0) + "%" }

    static func points(_ value: Double) -> String {
        (value >= 0 ? "+" : "") + NumberText.fixed(value * 100, decimals: 1) + " pts"
    }

    static func usd(_ value: Double?) -> String { value.map { "$" + NumberText.dollars($0) } ?? "unknown" }

    static func seconds(_ milliseconds: Double?) -> String {
        milliseconds.map { NumberText.fixed($0 / 1000, decimals: 1) + " s" } ?? "-"
    }

    static func score(_ value: Double?) -> String { value.map { NumberText.fixed($0, decimals: 2) } ?? "-" }

    static func rate(passes: Int, trials: Int) -> String { "\(passes)/\(trials)" }

    /// The report's table: one row per measure, one column per model × setting.
    static func table(_ report: BenchReport) -> (header: [String], rows: [[String]]) {
        let columns = report.columns
        let header = ["measure"] + columns.map(\.column.label)
        var rows: [[String]] = []
        rows.append(
            ["pass rate"] + columns.map { "\(rate(passes: $0.passed, trials: $0.trials)) (\(percent($0.passRate)))" })
        let depth = columns.map(\.column.iterations).max() ?? 1
        for k in 1...max(1, depth) {
            rows.append(
                ["pass after iteration \(k)"]
                    + columns.map { k <= $0.passRateAfter.count ? percent($0.passRateAfter[k - 1]) : "" })
        }
        for k in 1...max(1, depth) {
            rows.append(
                ["mean score after iteration \(k)"]
                    + columns.map { k <= $0.meanScoreAfter.count ? score($0.meanScoreAfter[k - 1]) : "" })
        }
        rows.append(
            ["iterations to pass"]
                + columns.map { $0.meanIterationsToPass.map { NumberText.fixed($0, decimals: 1) } ?? "-" })
        rows.append(["tokens"] + columns.map { String($0.tokens) })
        rows.append(["USD"] + columns.map { usd($0.costUSD) })
        rows.append(
            ["USD per pass"]
                + columns.map { $0.costUSD == nil ? "unknown" : $0.passed == 0 ? "-" : usd($0.costPerPassUSD) })
        rows.append(["latency p50"] + columns.map { seconds($0.latencyP50MS) })
        rows.append(
            ["latency p90 / p99"] + columns.map { "\(seconds($0.latencyP90MS)) / \(seconds($0.latencyP99MS))" })
        rows.append(["first token p50"] + columns.map { seconds($0.firstTokenP50MS) })
        rows.append(
            ["output tokens/s"]
                + columns.map { $0.outputTokensPerSecond.map { NumberText.fixed($0, decimals: 1) } ?? "-" })
        return (header, rows)
    }

    /// One line per comparison, with its verdict.
    static func comparisonLines(_ report: BenchReport) -> [String] {
        report.comparisons.map { c in
            let noise =
                c.noiseFloor.map { "noise floor ±" + NumberText.fixed($0 * 100, decimals: 1) + " pts" }
                ?? "noise floor unknown (1 trial; use --trials 3)"
            let verdict =
                c.isSignificant ? (c.difference > 0 ? "\(c.b.label) better" : "\(c.a.label) better") : "within noise"
            let interval = "95% CI \(points(c.intervalLow)) to \(points(c.intervalHigh))"
            let p = NumberText.fixed(c.mcnemarP, decimals: 3)
            var line =
                "\(c.b.label) vs \(c.a.label): \(points(c.difference)) (\(interval)); discordant pairs "
                + "\(c.aOnly) vs \(c.bOnly), McNemar p = \(p); \(noise) → \(verdict)"
            if !c.flips.isEmpty {
                line +=
                    "\n    flips: "
                    + c.flips.map { "\($0.task) (\(percent($0.a)) → \(percent($0.b)))" }.joined(separator: ", ")
            }
            return line
        }
    }

    /// Tasks with at least one flaky cell, e.g. `impl-rle: local/x -i 3 2/3`.
    static func flakyLines(_ report: BenchReport) -> [String] {
        report.tasks.compactMap { task in
            let flaky = task.cells.filter(\.value.flaky).sorted { $0.key < $1.key }
            guard !flaky.isEmpty else { return nil }
            return "\(task.task): "
                + flaky.map { "\($0.key.label) \(rate(passes: $0.value.passes, trials: $0.value.trials))" }
                .joined(separator: ", ")
        }
    }
}
