import OpenKoiCore

/// The first lines of each failed test's assertion output, so the next iteration sees what was
/// expected and what came out (aider's test-driven loop), not just a test name.
/// Formats: pytest (`____ name ____` sections with `>` and `E` lines), go test (`--- FAIL:` and
/// the indented lines after it), cargo (`---- name stdout ----` blocks).
enum TestFailureExcerpts {
    static let maxLines = 8

    static func excerpts(output: String, failures: [String]) -> [String: String] {
        guard !failures.isEmpty else { return [:] }
        let lines = TestOutputParser.stripANSI(output).split(separator: "\n", omittingEmptySubsequences: false)
        var sections = pytestSections(lines)
        sections.merge(goSections(lines)) { first, _ in first }
        sections.merge(cargoSections(lines)) { first, _ in first }
        var result: [String: String] = [:]
        for failure in failures {
            let key = failure.replacing(".", with: "::")
            if let match = sections.first(where: { name, _ in
                failure == name || key.hasSuffix("::" + name.replacing(".", with: "::"))
                    || failure.hasSuffix("/" + name)
            }) {
                result[failure] = match.value
            }
        }
        return result
    }

    /// `____ test_x ____` (or `____ ERROR collecting test_a.py ____`) up to the next section.
    static func pytestSections(_ lines: [Substring]) -> [String: String] {
        var sections: [String: String] = [:]
        var current: String?
        var collected: [String] = []
        var diffStarted = false
        func flush() {
            if let current, !collected.isEmpty { sections[current] = collected.joined(separator: "\n") }
            collected = []
            diffStarted = false
        }
        for line in lines {
            let trimmed = line.trimmed
            if trimmed.hasPrefix("___"), trimmed.hasSuffix("___") {
                flush()
                var name = trimmed.trimming(Set("_ "))
                if name.hasPrefix("ERROR collecting ") { name = String(name.dropFirst("ERROR collecting ".count)) }
                current = name
                continue
            }
            if trimmed.hasPrefix("===") {
                flush()
                current = nil
                continue
            }
            guard current != nil, collected.count < maxLines else { continue }
            // pytest's "Full diff" repeats both sides element by element: the lines above say it already.
            if line.hasPrefix("E"), line.contains("Full diff:") || line.contains("Use -v to get") { diffStarted = true }
            if line.hasPrefix("E"), diffStarted || line.dropFirst().trimmed.isEmpty || isDiffLine(line) { continue }
            if line.hasPrefix(">") || line.hasPrefix("E ") || line.hasPrefix("E\t") {
                collected.append(String(line))
            } else if line.contains(".py:"), line.hasSuffix("Error") || line.contains("Error") {
                collected.append(String(line))  // `test_x.py:8: AssertionError`
            }
        }
        flush()
        return sections
    }

    /// pytest's character diff under a string comparison (`E   - $1,234.50`, `E   ?   -`): noise next
    /// to the `assert '$1234.50' == '$1,234.50'` line above it.
    static func isDiffLine(_ line: Substring) -> Bool {
        let body = line.dropFirst().trimmed
        guard let first = body.first, "-+?".contains(first) else { return false }
        return !body.contains("where") && (body.count == 1 || body.dropFirst().first == " ")
    }

    /// `--- FAIL: TestX (0.00s)` and the indented lines after it.
    static func goSections(_ lines: [Substring]) -> [String: String] {
        var sections: [String: String] = [:]
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmed
            guard trimmed.hasPrefix("--- FAIL: ") else { continue }
            let name = trimmed.dropFirst("--- FAIL: ".count).split(separator: " ").first.map(String.init) ?? ""
            var body: [String] = []
            var next = index + 1
            while next < lines.count, lines[next].hasPrefix("    "), body.count < maxLines {
                body.append(lines[next].trimmed)
                next += 1
            }
            if !name.isEmpty, !body.isEmpty { sections[name] = body.joined(separator: "\n") }
        }
        return sections
    }

    /// `---- tests::name stdout ----` up to the next blank line pair or block.
    static func cargoSections(_ lines: [Substring]) -> [String: String] {
        var sections: [String: String] = [:]
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmed
            guard trimmed.hasPrefix("---- "), trimmed.hasSuffix(" stdout ----") else { continue }
            let name = String(trimmed.dropFirst(5).dropLast(" stdout ----".count))
            var body: [String] = []
            var next = index + 1
            while next < lines.count, !lines[next].trimmed.hasPrefix("----"), body.count < maxLines {
                if !lines[next].trimmed.isEmpty { body.append(String(lines[next])) }
                next += 1
            }
            if !body.isEmpty { sections[name] = body.joined(separator: "\n") }
        }
        return sections
    }
}
