import OpenKoiCore
import Testing

@testable import OpenKoiTools

struct TestCommandCheckTests {
    @Test func detectsTheRunnerFromMarkerFiles() throws {
        func detected(_ files: [String: String]) throws -> String? {
            let dir = try TemporaryDirectory()
            for (name, content) in files { try dir.write(name, content) }
            return TestCommandCheck.detectCommand(in: dir.path)
        }
        #expect(try detected(["Package.swift": ""]) == "swift test")
        #expect(try detected(["Cargo.toml": ""]) == "cargo test")
        #expect(try detected(["go.mod": "module x"]) == "go test -v ./...")
        #expect(try detected(["pytest.ini": ""]) == "python3 -m pytest -q")
        #expect(try detected(["pyproject.toml": "[tool.pytest.ini_options]\n"]) == "python3 -m pytest -q")
        #expect(try detected(["setup.py": "", "tests/test_a.py": ""]) == "python3 -m pytest -q")
        #expect(try detected(["pyproject.toml": "[project]\nname='x'\n"]) == nil)
        #expect(try detected(["package.json": #"{"scripts": {"test": "jest"}}"#]) == "npm test")
        #expect(
            try detected(["package.json": #"{"scripts": {"test": "echo \"Error: no test specified\" && exit 1"}}"#])
                == nil)
        #expect(try detected(["README.md": "hi"]) == nil)
    }

    @Test func returnsNilWhenDisabledOrNothingApplies() async throws {
        let dir = try TemporaryDirectory()
        #expect(
            await TestCommandCheck(
                workspace: dir.path, configuredCommand: nil, timeout: 10, enabled: true, policy: .allowAll
            ).run() == nil)
        #expect(
            await TestCommandCheck(
                workspace: dir.path, configuredCommand: "true", timeout: 10, enabled: false, policy: .allowAll
            ).run() == nil)
        #expect(
            TestCommandCheck(
                workspace: dir.path, configuredCommand: "  ", timeout: 10, enabled: true, policy: .allowAll
            ).command == nil)
    }

    @Test func configuredCommandEndToEnd() async throws {
        let dir = try TemporaryDirectory()
        let check = TestCommandCheck(
            workspace: dir.path, configuredCommand: #"sh -c 'echo "5 passed, 1 failed"; exit 1'"#, timeout: 30,
            enabled: true, policy: .allowAll)
        let report = try #require(await check.run())
        #expect(report.command == #"sh -c 'echo "5 passed, 1 failed"; exit 1'"#)
        #expect(report.passed == 5)
        #expect(report.failed == 1)
        #expect(report.exitCode == 1)
        #expect(!report.timedOut)
        #expect(!report.succeeded)
        #expect(abs(report.score - 5.0 / 6.0) < 1e-9)
        #expect(report.outputTail == "5 passed, 1 failed")
    }

    @Test func realPytestProject() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("pytest.ini", "[pytest]\n")
        try dir.write(
            "test_math.py",
            "def test_adds():\n    assert 1 + 1 == 2\n\ndef test_breaks():\n    assert 1 + 1 == 3, 'math is broken'\n")
        let check = TestCommandCheck(
            workspace: dir.path, configuredCommand: nil, timeout: 120, enabled: true, policy: .allowAll)
        #expect(check.command == "python3 -m pytest -q")
        let report = try #require(await check.run())
        #expect(report.passed == 1)
        #expect(report.failed == 1)
        #expect(report.exitCode == 1)
        #expect(report.failures == ["test_math.py::test_breaks"])
        #expect(report.outputTail.contains("1 failed, 1 passed"))
    }

    @Test func missingRunnerIsReportedNotFaked() async throws {
        let dir = try TemporaryDirectory()
        let check = TestCommandCheck(
            workspace: dir.path, configuredCommand: "openkoi-no-such-runner-xyz --all", timeout: 30, enabled: true,
            policy: .allowAll)
        let report = try #require(await check.run())
        #expect(report.exitCode == 127)
        #expect(!report.succeeded)
        #expect(report.score == 0)
        #expect(report.outputTail.contains("command not found"))
        #expect(report.outputTail.contains("test_command"))
    }

    @Test func timeoutKillsTheSuite() async throws {
        let dir = try TemporaryDirectory()
        let check = TestCommandCheck(
            workspace: dir.path, configuredCommand: "exec sleep 100", timeout: 0.3, enabled: true, policy: .allowAll)
        let report = try #require(await check.run())
        #expect(report.timedOut)
        #expect(report.score == 0)
        #expect(report.outputTail.contains("timed out"))
    }
}
