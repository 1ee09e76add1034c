import OpenKoiCore

/// Pass/fail counts and failed-test names read from a test runner's output.
public struct TestOutputSummary: Sendable, Hashable {
    public var passed: Int
    public var failed: Int
    public var failures: [String]
    /// The runners whose summary lines were found, e.g. `["swift-testing", "xctest"]`.
    public var runners: [String]

    public init(passed: Int = 0, failed: Int = 0, failures: [String] = [], runners: [String] = []) {
        self.passed = passed
        self.failed = failed
        self.failures = failures
        self.runners = runners
    }
}

/// Reads the summaries of the common test runners from captured output.
///
/// The configured command may be anything (`make check`, `swift test && npm test`), so every
/// known format is tried and the counts of all runners found are added up. Formats:
/// Swift Testing, XCTest, cargo test, go test, pytest (and the plain "N passed, M failed" line),
/// jest, vitest, node's test runner (TAP and spec), mocha.
public enum TestOutputParser {
    static let maxFailures = 50

    /// `nil` when no runner summary was recognised.
    public static func parse(_ output: String) -> TestOutputSummary? {
        let lines = stripANSI(output).split(separator: "\n", omittingEmptySubsequences: false).map {
            Substring($0.trimmed)
        }
        var summary = TestOutputSummary()
        let parsers: [(String, ([Substring]) -> RunnerCounts?)] = [
            ("swift-testing", SwiftRunnerFormats.swiftTesting), ("xctest", SwiftRunnerFormats.xctest),
            ("cargo", CommandLineRunnerFormats.cargo), ("go", CommandLineRunnerFormats.go),
            ("pytest", CommandLineRunnerFormats.pytest), ("jest", JavaScriptRunnerFormats.jest),
            ("vitest", JavaScriptRunnerFormats.vitest), ("node", JavaScriptRunnerFormats.nodeTestRunner),
            ("mocha", JavaScriptRunnerFormats.mocha),
        ]
        for (name, parse) in parsers {
            guard let counts = parse(lines) else { continue }
            summary.runners.append(name)
            summary.passed += counts.passed
            summary.failed += counts.failed
            for failure in counts.failures where !summary.failures.contains(failure) {
                if summary.failures.count < maxFailures { summary.failures.append(failure) }
            }
        }
        return summary.runners.isEmpty ? nil : summary
    }

    /// The last `count` lines, without colour codes.
    public static func tail(of output: String, lines count: Int = 40) -> String {
        var lines = stripANSI(output).split(separator: "\n", omittingEmptySubsequences: false)
        while let last = lines.last, last.trimmed.isEmpty { lines.removeLast() }
        return lines.suffix(count).joined(separator: "\n")
    }

    /// Removes ANSI escape sequences (colours, cursor moves) that runners print even into pipes.
    static func stripANSI(_ text: String) -> String {
        guard text.utf8.contains(0x1B) else { return text }
        var result: [UInt8] = []
        result.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == 0x1B else {
                result.append(byte)
                continue
            }
            guard let next = iterator.next() else { break }
            if next == UInt8(ascii: "[") {
                // CSI: parameters and intermediates, then one final byte in @…~.
                while let code = iterator.next(), !(0x40...0x7E).contains(code) {}
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}

/// One runner's counts.
struct RunnerCounts: Sendable, Hashable {
    var passed = 0
    var failed = 0
    var failures: [String] = []
}

/// Small text helpers shared by the runner formats.
enum SummaryText {
    /// The integer right before `word` or its plural (`count(before: "passed", in: "3 passed, 1 failed")` → 3).
    static func count(before word: String, in text: Substring) -> Int? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == ";" || $0 == "|" || $0 == "\t" })
        for (index, current) in words.enumerated() where index > 0 {
            // "failure", "failures", "issues." all count for their singular.
            var candidate = current
            while let last = candidate.last, !last.isLetter { candidate = candidate.dropLast() }
            guard candidate == word || candidate == word + "s" else { continue }
            if let number = Int(words[index - 1]) { return number }
        }
        return nil
    }

    /// `text` after `prefix`, when it starts with it.
    static func after(_ prefix: String, in line: Substring) -> Substring? {
        line.hasPrefix(prefix) ? line.dropFirst(prefix.count) : nil
    }

    /// One-line failure label, capped so a huge assertion message cannot flood findings.
    static func label(_ text: Substring) -> String {
        let trimmed = text.trimmed
        return trimmed.count > 200 ? String(trimmed.prefix(200)) + "…" : trimmed
    }
}
