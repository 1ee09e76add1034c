/// Which workspace files belong to a test suite, by the naming conventions of the runners the
/// evaluator detects (pytest, go test, jest/vitest/mocha, cargo, SwiftPM, rspec/minitest, JUnit).
/// Existing test files are protected from the agent's edits unless the task asks for test changes.
public enum TestFiles {
    static let testDirectories: Set<String> = ["test", "tests", "__tests__", "spec", "Tests", "testing"]
    static let scriptExtensions: Set<String> = ["js", "jsx", "ts", "tsx", "mjs", "cjs", "mts", "cts"]

    /// - Parameter path: workspace-relative path.
    public static func isTestFile(_ path: String) -> Bool {
        let components = path.split(separator: "/")
        guard let name = components.last.map(String.init) else { return false }
        if components.dropLast().contains(where: { testDirectories.contains(String($0)) }) { return true }
        let lower = name.lowercased()
        // The runners' own configuration: editing it can switch tests off as surely as editing them.
        if ["conftest.py", "pytest.ini", "tox.ini", ".mocharc.json", ".mocharc.yml", "phpunit.xml"].contains(lower) {
            return true
        }
        if lower.hasPrefix("jest.config.") || lower.hasPrefix("vitest.config.") { return true }
        if lower.hasSuffix(".py") { return lower.hasPrefix("test_") || lower.hasSuffix("_test.py") }
        if lower.hasSuffix("_test.go") { return true }
        if lower.hasSuffix(".rb") {
            return lower.hasSuffix("_spec.rb") || lower.hasSuffix("_test.rb") || lower.hasPrefix("test_")
        }
        if lower.hasSuffix("tests.swift") || lower.hasSuffix("test.swift") { return true }
        if lower.hasSuffix("test.java") || lower.hasSuffix("tests.java") || lower.hasSuffix("test.kt") { return true }
        let parts = lower.split(separator: ".")
        if parts.count >= 3, let ext = parts.last, scriptExtensions.contains(String(ext)) {
            let marker = parts[parts.count - 2]
            return marker == "test" || marker == "spec"
        }
        return false
    }
}
