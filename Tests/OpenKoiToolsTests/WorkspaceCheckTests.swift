import Glibc
import OpenKoiCore
import Testing

@testable import OpenKoiTools

struct WorkspaceCheckTests {
    func check(_ dir: TemporaryDirectory, command: String? = nil, policy: CommandPolicy = .allowAll) -> WorkspaceCheck {
        WorkspaceCheck(
            workspace: dir.path,
            tests: TestCommandCheck(
                workspace: dir.path, configuredCommand: command, timeout: 60, enabled: true, policy: policy))
    }

    @Test func expectedFilesMustExistAndParse() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("ok.py", "def f():\n    return 1\n")
        try dir.write("broken.py", "def f(:\n    return 1\n")
        try dir.write("data.json", "{\"a\": [1, 2}")
        try dir.write("conf.toml", "[server]\nport = 80\nport = 81\n")
        let report = await check(dir).run(
            ObjectiveCheckRequest(
                runTests: false,
                expectedFiles: ["ok.py", "broken.py", "missing.py", "data.json", "conf.toml", "../x.py"]))
        let problems = report.files.map { $0.problem ?? "fine" }
        #expect(problems[0] == "fine")
        #expect(report.files[0].checker == "python3 ast")
        #expect(
            problems[1].contains("`broken.py` does not compile") && problems[1].contains("SyntaxError"),
            "\(problems[1])")
        #expect(problems[2] == "`missing.py` was not created")
        #expect(problems[3].contains("not valid JSON"))
        #expect(problems[4].contains("does not parse as TOML: line 3"), "\(problems[4])")
        #expect(problems[5].contains("outside the workspace"))
        #expect(report.hasFailures)
        #expect(!dir.exists("__pycache__"), "checking syntax writes nothing into the workspace")
    }

    @Test func testRunsSeeNoCredentials() async throws {
        let dir = try TemporaryDirectory()
        setenv("OPENKOI_CHECK_PROBE_API_KEY", "sk-should-not-leak", 1)
        defer { unsetenv("OPENKOI_CHECK_PROBE_API_KEY") }
        let report = await check(dir, command: "env > seen-env.txt; echo '1 passed'").run(
            ObjectiveCheckRequest(runTests: true))
        #expect(report.tests?.passed == 1)
        let seen = try #require(dir.read("seen-env.txt"))
        #expect(seen.contains("PATH="))
        #expect(!seen.contains("sk-should-not-leak"))
    }

    @Test func aDetectedCommandFollowsTheCommandPolicy() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("test_a.py", "def test_a():\n    assert True\n")
        let refused = await check(dir, policy: .refuseAll).run(ObjectiveCheckRequest(runTests: true))
        #expect(refused.tests == nil)
        #expect(refused.testsNotRun?.contains("python3 -m pytest -q") == true)
        let listed = await check(dir, policy: .allowList(["python3 -m pytest"])).run(
            ObjectiveCheckRequest(runTests: true))
        #expect(listed.tests?.succeeded == true)
        let configured = await check(dir, command: "python3 -m pytest -q", policy: .refuseAll).run(
            ObjectiveCheckRequest(runTests: true))
        #expect(
            configured.tests?.passed == 1,
            "a configured test_command is the user's approval: \(configured.tests?.outputTail ?? "")")
    }

    @Test func failingPytestAssertionsAreExcerpted() async throws {
        let dir = try TemporaryDirectory()
        try dir.write(
            "test_m.py",
            "def f(x):\n    return x * 2\n\ndef test_ok():\n    assert f(1) == 2\n\ndef test_bad():\n    assert f(2) == 5, 'f doubles wrong'\n\nclass TestK:\n    def test_m(self):\n        assert [1, 2] == [1, 3]\n"
        )
        let report = try #require(await check(dir).run(ObjectiveCheckRequest(runTests: true)).tests)
        #expect(report.failures == ["test_m.py::test_bad", "test_m.py::TestK::test_m"])
        let bad = try #require(report.failureOutput["test_m.py::test_bad"])
        #expect(bad.contains("assert f(2) == 5"))
        #expect(bad.contains("E       assert 4 == 5"))
        #expect(report.failureOutput["test_m.py::TestK::test_m"]?.contains("At index 1 diff: 2 != 3") == true)
    }
}

struct WorkspaceFileStoreTests {
    @Test func snapshotShowsNamedFilesFirstAndTestsLastWithinTheBudget() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("b.py", "B = 1\n")
        try dir.write("a.py", "A = 1\n")
        try dir.write("test_a.py", "from a import A\n")
        try dir.write("big.txt", String(repeating: "x", count: 500))
        try dir.write(".hidden/secret.txt", "no")
        try dir.write("__pycache__/a.cpython.pyc", "no")
        let store = WorkspaceFileStore(workspace: dir.path)
        let snapshot = await store.snapshot(characterBudget: 100, mentioned: ["b.py"])
        #expect(snapshot.files == ["a.py", "b.py", "big.txt", "test_a.py"])
        #expect(snapshot.contents.map(\.path) == ["b.py", "a.py", "test_a.py"], "big.txt does not fit the budget")
        #expect(snapshot.testFiles == ["test_a.py"])
    }

    @Test func restorePutsFilesBackAndRemovesNewOnes() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("a.py", "old\n")
        try dir.write("new.py", "created\n")
        let store = WorkspaceFileStore(workspace: dir.path)
        let changed = try await store.restore(["a.py": "old\n", "./new.py": nil, "sub/c.py": "made\n"])
        #expect(changed == ["./new.py", "sub/c.py"] || changed == ["new.py", "sub/c.py"])
        #expect(!dir.exists("new.py"))
        #expect(dir.read("sub/c.py") == "made\n")
        let contents = await store.contents(of: ["a.py", "./sub/c.py", "gone.py"])
        #expect(contents["a.py"] == .some("old\n"))
        #expect(contents["sub/c.py"] == .some("made\n"), "keys are canonical relative paths")
        #expect(contents["gone.py"] == .some(nil))
        await #expect(throws: WorkspaceError.self) { try await store.restore(["../escape.py": "x"]) }
    }
}
