import OpenKoiCore

/// cargo test (and nextest), go test, and pytest — whose summary line is also the plain
/// "N passed, M failed" line any script can print.
enum CommandLineRunnerFormats {
    /// Every `test result: ok. 5 passed; 0 failed; …` line (one per test binary and doc-tests), summed;
    /// failures from `test path::name ... FAILED`. nextest: `Summary [ 0.1s] 5 tests run: 4 passed, 1 failed`.
    static func cargo(_ lines: [Substring]) -> RunnerCounts? {
        var counts: RunnerCounts?
        for line in lines {
            if let rest = SummaryText.after("test result:", in: line) ?? nextestSummary(line) {
                var current = counts ?? RunnerCounts()
                current.passed += SummaryText.count(before: "passed", in: rest) ?? 0
                current.failed += SummaryText.count(before: "failed", in: rest) ?? 0
                counts = current
            }
        }
        guard var counts else { return nil }
        for line in lines {
            if let rest = SummaryText.after("test ", in: line), rest.hasSuffix(" ... FAILED") {
                appendUnique(SummaryText.label(rest.dropLast(" ... FAILED".count)), to: &counts.failures)
            } else if let rest = SummaryText.after("FAIL [", in: line), let close = rest.firstIndex(of: "]") {
                appendUnique(SummaryText.label(rest[rest.index(after: close)...]), to: &counts.failures)
            }
        }
        return counts
    }

    private static func nextestSummary(_ line: Substring) -> Substring? {
        guard line.hasPrefix("Summary ["), let range = line.firstRange(of: "tests run:") else { return nil }
        return line[range.upperBound...]
    }

    /// `--- PASS: TestX (0.00s)` / `--- FAIL: TestY (0.00s)` lines (with `-v`); without them, the
    /// package lines `ok  \tpkg\t0.1s` / `FAIL\tpkg\t0.1s`. Packages that fail to build count as failed.
    static func go(_ lines: [Substring]) -> RunnerCounts? {
        var tests = RunnerCounts()
        var packages = RunnerCounts()
        var brokenPackages: [String] = []
        var sawTests = false
        var sawPackages = false
        for line in lines {
            if line.hasPrefix("--- PASS:") {
                sawTests = true
                tests.passed += 1
            } else if let rest = SummaryText.after("--- FAIL:", in: line) {
                sawTests = true
                tests.failed += 1
                let name = rest.split(separator: " ", omittingEmptySubsequences: true).first ?? rest
                appendUnique(SummaryText.label(name), to: &tests.failures)
            } else if line.hasPrefix("ok"), line.contains("\t"), line.dropFirst(2).first?.isWhitespace == true {
                sawPackages = true
                packages.passed += 1
            } else if let rest = SummaryText.after("FAIL\t", in: line) {
                sawPackages = true
                packages.failed += 1
                let package = SummaryText.label(rest.split(separator: "\t").first ?? rest)
                if rest.contains("[") {
                    // "pkg [build failed]" / "[setup failed]": no test in the package ran.
                    brokenPackages.append(SummaryText.label(rest))
                }
                appendUnique(package, to: &packages.failures)
            }
        }
        if sawTests {
            tests.failed += brokenPackages.count
            for package in brokenPackages { appendUnique(package, to: &tests.failures) }
            return tests
        }
        return sawPackages ? packages : nil
    }

    /// pytest's closing line, e.g. `==== 2 failed, 5 passed, 1 skipped in 0.12s ====` or (`-q`)
    /// `2 failed, 5 passed in 0.12s`; also any `N passed, M failed` line (one `Word:` may precede it).
    /// The last such line wins. Failures from the short summary: `FAILED tests/test_x.py::test_b - …`.
    static func pytest(_ lines: [Substring]) -> RunnerCounts? {
        var found: RunnerCounts?
        for line in lines.reversed() {
            if let counts = summaryCounts(line) {
                found = counts
                break
            }
        }
        guard var counts = found else { return nil }
        for line in lines {
            guard let rest = SummaryText.after("FAILED ", in: line) ?? SummaryText.after("ERROR ", in: line) else {
                continue
            }
            let name = rest.firstRange(of: " - ").map { rest[..<$0.lowerBound] } ?? rest
            appendUnique(SummaryText.label(name), to: &counts.failures)
        }
        return counts
    }

    private static let summaryWords: Set<String> = [
        "passed", "failed", "error", "errors", "skipped", "xfailed", "xpassed", "warning", "warnings",
        "deselected", "rerun", "rerunfailures",
    ]

    /// Counts from a line made only of `N word` items separated by commas.
    static func summaryCounts(_ line: Substring) -> RunnerCounts? {
        var text = line.drop(while: { $0 == "=" || $0 == " " })
        while let last = text.last, last == "=" || last == " " { text = text.dropLast() }
        if text.hasPrefix("no tests ran") { return RunnerCounts() }
        // "… in 0.12s" or "… in 0.12s (0:00:00)" ends pytest's line.
        if let range = text.ranges(of: " in ").last, text[range.upperBound...].first?.isNumber == true {
            text = text[..<range.lowerBound]
        }
        if let colon = text.firstIndex(of: ":"), !text[..<colon].contains(" "),
            text[..<colon].allSatisfy({ $0.isLetter })
        {
            text = text[text.index(after: colon)...].drop(while: { $0 == " " })
        }
        var counts = RunnerCounts()
        var relevant = false
        for item in text.split(separator: ",") {
            let parts = item.split(separator: " ")
            guard parts.count == 2, let number = Int(parts[0]), summaryWords.contains(String(parts[1])) else {
                return nil
            }
            switch parts[1] {
            case "passed", "xpassed":
                counts.passed += number
                relevant = true
            case "failed", "error", "errors":
                counts.failed += number
                relevant = true
            default: break
            }
        }
        return relevant ? counts : nil
    }

    static func appendUnique(_ item: String, to list: inout [String]) {
        if !item.isEmpty, !list.contains(item), list.count < TestOutputParser.maxFailures { list.append(item) }
    }
}
