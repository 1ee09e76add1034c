import OpenKoiCore

/// Node.js runners behind `npm test`: jest, vitest, node's built-in test runner, mocha.
enum JavaScriptRunnerFormats {
    /// `Tests:       1 failed, 5 passed, 6 total`; failures from `● Suite › test name` headings.
    static func jest(_ lines: [Substring]) -> RunnerCounts? {
        guard let summary = lines.last(where: { $0.hasPrefix("Tests:") && $0.contains(" total") }) else { return nil }
        var counts = RunnerCounts(
            passed: SummaryText.count(before: "passed", in: summary) ?? 0,
            failed: SummaryText.count(before: "failed", in: summary) ?? 0)
        for line in lines {
            guard let name = SummaryText.after("● ", in: line), !name.hasPrefix("Console") else { continue }
            CommandLineRunnerFormats.appendUnique(SummaryText.label(name), to: &counts.failures)
        }
        return counts
    }

    /// ` Tests  1 failed | 5 passed (6)`; failures from `FAIL  src/a.test.ts > suite > name`.
    static func vitest(_ lines: [Substring]) -> RunnerCounts? {
        guard
            let summary = lines.last(where: {
                $0.hasPrefix("Tests ") && $0.hasSuffix(")") && ($0.contains(" passed") || $0.contains(" failed"))
            })
        else { return nil }
        var counts = RunnerCounts(
            passed: SummaryText.count(before: "passed", in: summary) ?? 0,
            failed: SummaryText.count(before: "failed", in: summary) ?? 0)
        for line in lines {
            guard let name = SummaryText.after("FAIL ", in: line), name.contains(" > ") else { continue }
            CommandLineRunnerFormats.appendUnique(SummaryText.label(name), to: &counts.failures)
        }
        return counts
    }

    /// `node --test`: TAP (`# pass 5` / `# fail 1`, failures `not ok 2 - name`) when piped, or the spec
    /// reporter (`ℹ pass 5` / `ℹ fail 1`, failures `✖ name (1.2ms)`).
    static func nodeTestRunner(_ lines: [Substring]) -> RunnerCounts? {
        var passed: Int?
        var failed: Int?
        for line in lines {
            if let value = SummaryText.after("# pass ", in: line) ?? SummaryText.after("ℹ pass ", in: line) {
                passed = Int(value.trimmed)
            } else if let value = SummaryText.after("# fail ", in: line) ?? SummaryText.after("ℹ fail ", in: line) {
                failed = Int(value.trimmed)
            }
        }
        guard passed != nil || failed != nil else { return nil }
        var counts = RunnerCounts(passed: passed ?? 0, failed: failed ?? 0)
        for line in lines {
            if let rest = SummaryText.after("not ok ", in: line), let dash = rest.firstRange(of: " - ") {
                var name = rest[dash.upperBound...]
                if let directive = name.firstRange(of: " # ") { name = name[..<directive.lowerBound] }
                CommandLineRunnerFormats.appendUnique(SummaryText.label(name), to: &counts.failures)
            } else if let rest = SummaryText.after("✖ ", in: line), !rest.hasPrefix("failing tests") {
                let name = rest.firstRange(of: " (").map { rest[..<$0.lowerBound] } ?? rest
                CommandLineRunnerFormats.appendUnique(SummaryText.label(name), to: &counts.failures)
            }
        }
        return counts
    }

    /// `5 passing (12ms)` / `1 failing`; failures from the numbered list `1) Suite name:`.
    static func mocha(_ lines: [Substring]) -> RunnerCounts? {
        var passed: Int?
        var failed: Int?
        for line in lines {
            let words = line.split(separator: " ")
            guard words.count >= 2, let number = Int(words[0]) else { continue }
            if words[1] == "passing" { passed = number } else if words[1] == "failing" { failed = number }
        }
        guard let passed else { return nil }
        var counts = RunnerCounts(passed: passed, failed: failed ?? 0)
        if counts.failed > 0 {
            for line in lines {
                guard let paren = line.firstIndex(of: ")"), let number = Int(line[..<paren]), number > 0 else {
                    continue
                }
                var name = line[line.index(after: paren)...]
                if name.hasSuffix(":") { name = name.dropLast() }
                CommandLineRunnerFormats.appendUnique(SummaryText.label(name), to: &counts.failures)
            }
        }
        return counts
    }
}
