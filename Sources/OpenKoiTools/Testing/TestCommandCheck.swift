import OpenKoiCore

/// Runs the workspace's test suite as an objective evaluation signal.
///
/// Unlike the reference (§2.6, §14.2), the suite runs with a timeout that kills the whole process
/// group, and a missing runner is reported as such instead of silently scoring 0.5.
///
/// Running tests runs model-written code, so it is approved like `run_command`: a configured
/// `[evaluation] test_command` is the user's approval of that command; a detected one runs only
/// under `--yes` or when `[tools] allow_commands` allows it. It runs in the same command sandbox.
public struct TestCommandCheck: Sendable {
    public let workspace: String
    public let configuredCommand: String?
    public let timeout: Double
    public let enabled: Bool
    public let policy: CommandPolicy
    public let sandbox: CommandSandbox

    /// - Parameters:
    ///   - workspace: the directory the tests run in (and where marker files are looked for).
    ///   - configuredCommand: `[evaluation] test_command`; `nil` or blank detects one from marker files.
    ///   - timeout: seconds before the suite is killed.
    ///   - enabled: `[evaluation] run_tests`; when false, `run()` returns nil.
    ///   - policy: approves a detected command (a configured one is approved by being configured).
    ///   - sandbox: confines the run (`[tools] sandbox`).
    public init(
        workspace: String, configuredCommand: String?, timeout: Double, enabled: Bool, policy: CommandPolicy,
        sandbox: CommandSandbox = CommandSandbox()
    ) {
        self.sandbox = sandbox
        self.workspace = workspace
        self.configuredCommand = configuredCommand
        self.timeout = timeout
        self.enabled = enabled
        self.policy = policy
    }

    /// Why the tests may not run unattended, or `nil` when they may (or there are none to run).
    public var refusal: String? {
        guard enabled, let command else { return nil }
        if let reason = sandbox.unavailableReason { return "the test command `\(command)` cannot run: \(reason)" }
        if let configured = configuredCommand?.trimmed, !configured.isEmpty { return nil }
        guard policy.refusal(for: command) != nil else { return nil }
        return "the detected test command `\(command)` runs the workspace's code and needs approval: re-run with "
            + "--yes, allow it in [tools] allow_commands, or set [evaluation] test_command"
    }

    /// The command that `run()` would run, or nil when none is configured or detected.
    public var command: String? {
        if let configured = configuredCommand?.trimmed, !configured.isEmpty { return configured }
        return Self.detectCommand(in: workspace)
    }

    public func run() async -> TestRunReport? {
        guard enabled, let command, refusal == nil else { return nil }
        // Non-interactive, uncoloured, single-run output is what the parsers read (npm/jest watch modes
        // check CI; cargo and most Node tools honour these colour switches).
        let variables = ["CI": "true", "NO_COLOR": "1", "FORCE_COLOR": "0", "CARGO_TERM_COLOR": "never"]
        let result: SubprocessResult
        do {
            result = try await sandbox.run(
                .shell(command), workspace: workspace, extraVariables: variables, timeout: timeout)
        } catch {
            return TestRunReport(
                command: command, passed: 0, failed: 0, exitCode: -1,
                outputTail: "The test command `\(command)` could not be started: \(error.message)")
        }
        return Self.report(command: command, result: result, timeout: timeout)
    }

    /// Builds the report from a finished run (separate from `run()` so it can be tested on fixed output).
    static func report(command: String, result: SubprocessResult, timeout: Double) -> TestRunReport {
        let summary = TestOutputParser.parse(result.output)
        var tail = TestOutputParser.tail(of: result.output)
        if result.timedOut {
            tail =
                "The test command `\(command)` timed out after \(NumberText.plain(timeout)) s and was killed.\n"
                + tail
        } else if result.cancelled {
            tail = "The test command `\(command)` was cancelled.\n" + tail
        } else if summary == nil, let missing = missingRunner(result) {
            tail = """
                The test command `\(command)` could not run: \(missing). Install the runner, or set \
                [evaluation] test_command in config.toml (or run_tests = false).

                """ + tail
        }
        let failures = summary?.failures ?? []
        return TestRunReport(
            command: command, passed: summary?.passed ?? 0, failed: summary?.failed ?? 0, exitCode: result.exitCode,
            timedOut: result.timedOut, failures: failures,
            failureOutput: TestFailureExcerpts.excerpts(output: result.output, failures: failures), outputTail: tail)
    }

    /// Why the runner itself was missing, if the output says so.
    private static func missingRunner(_ result: SubprocessResult) -> String? {
        if result.exitCode == 127 { return "command not found (exit 127)" }
        if result.exitCode == 126 { return "command not executable (exit 126)" }
        if result.output.contains("No module named pytest") {
            return "pytest is not installed (No module named pytest)"
        }
        return nil
    }

    /// The test command for the project in `workspace`, judged by marker files in its root.
    public static func detectCommand(in workspace: String) -> String? {
        func exists(_ name: String) -> Bool { FileSystem.info(workspace + "/" + name) != nil }
        if exists("Package.swift") { return "swift test" }
        if exists("Cargo.toml") { return "cargo test" }
        // -v prints a line per test, so passed counts are real rather than one per package.
        if exists("go.mod") { return "go test -v ./..." }
        if hasPythonTests(workspace) { return "python3 -m pytest -q" }
        if hasNodeTestScript(workspace) { return "npm test" }
        return nil
    }

    /// Python test files in the root (a folder of scripts with `test_*.py` is a pytest project), or a
    /// Python project marker plus evidence of tests (pytest config, a tests dir).
    private static func hasPythonTests(_ workspace: String) -> Bool {
        let entries = (try? FileSystem.entries(workspace, displayPath: workspace)) ?? []
        let rootTests = entries.contains { entry in
            entry.kind == .file && entry.name.hasSuffix(".py")
                && (entry.name.hasPrefix("test_") || entry.name.hasSuffix("_test.py"))
        }
        if rootTests { return true }
        let markers = ["pyproject.toml", "pytest.ini", "setup.py", "setup.cfg", "tox.ini"]
        guard markers.contains(where: { FileSystem.info(workspace + "/" + $0) != nil }) else { return false }
        if FileSystem.info(workspace + "/pytest.ini") != nil { return true }
        if let pyproject = try? FileSystem.readBytes(
            workspace + "/pyproject.toml", displayPath: "pyproject.toml", maxBytes: 1 << 20),
            String(decoding: pyproject, as: UTF8.self).contains("[tool.pytest")
        {
            return true
        }
        return ["tests", "test"].contains { FileSystem.info(workspace + "/" + $0)?.kind == .directory }
    }

    /// `package.json` with a `scripts.test` that is not npm's placeholder ("Error: no test specified").
    private static func hasNodeTestScript(_ workspace: String) -> Bool {
        guard
            let bytes = try? FileSystem.readBytes(
                workspace + "/package.json", displayPath: "package.json", maxBytes: 1 << 20),
            let script = JSONValue.parse(String(decoding: bytes, as: UTF8.self))?["scripts"]?["test"]?.stringValue
        else { return false }
        return !script.trimmed.isEmpty && !script.contains("no test specified")
    }
}
