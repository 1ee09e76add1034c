import OpenKoiCore

/// `swift test` output: Swift Testing and XCTest, which one run may both print.
enum SwiftRunnerFormats {
    /// `✔ Test run with 12 tests in 3 suites passed after 0.005 seconds.` /
    /// `✘ Test run with 4 tests in 1 suite failed after 0.002 seconds with 3 issues.`, plus one
    /// `✘ Test name() failed after … with N issues.` line per failed test.
    static func swiftTesting(_ lines: [Substring]) -> RunnerCounts? {
        var summary: Substring?
        var failedNames: [String] = []
        for line in lines {
            if let range = line.firstRange(of: "Test run with ") {
                summary = line[range.upperBound...]
            } else if let start = line.firstRange(of: "Test "), let end = line.firstRange(of: " failed after "),
                line.distance(from: line.startIndex, to: start.lowerBound) <= 2, start.upperBound <= end.lowerBound,
                !line.hasPrefix("Test Case")
            {
                var name = String(line[start.upperBound..<end.lowerBound])
                if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
                    name = String(name.dropFirst().dropLast())
                }
                if !failedNames.contains(name) { failedNames.append(name) }
            }
        }
        guard let summary, let total = summary.split(separator: " ").first.flatMap({ Int($0) }) else { return nil }
        var failed = failedNames.count
        if summary.contains(" failed"), failed == 0 {
            // No per-test lines (filtered output): fall back to the issue count, which is at least one failure.
            failed = max(1, min(total, SummaryText.count(before: "issue", in: summary) ?? 1))
        } else if !summary.contains(" failed") {
            failed = 0
        }
        failed = min(failed, total)
        return RunnerCounts(
            passed: total - failed, failed: failed, failures: summary.contains(" failed") ? failedNames : [])
    }

    /// `Executed 5 tests, with 1 failure (0 unexpected) in 0.010 (0.011) seconds`; the last one is
    /// the outermost suite. Failed cases: `Test Case 'Suite.testX' failed (0.001 seconds).`
    static func xctest(_ lines: [Substring]) -> RunnerCounts? {
        var counts: (total: Int, failed: Int)?
        var failures: [String] = []
        for line in lines {
            if let rest = SummaryText.after("Executed ", in: line), rest.contains(" test"),
                let total = rest.split(separator: " ").first.flatMap({ Int($0) })
            {
                counts = (total, SummaryText.count(before: "failure", in: rest) ?? 0)
            } else if let rest = SummaryText.after("Test Case '", in: line), let quote = rest.firstRange(of: "' failed")
            {
                let name = String(rest[..<quote.lowerBound])
                if !failures.contains(name) { failures.append(name) }
            }
        }
        guard let counts else { return nil }
        let failed = min(counts.failed, counts.total)
        return RunnerCounts(passed: counts.total - failed, failed: failed, failures: failures)
    }
}
