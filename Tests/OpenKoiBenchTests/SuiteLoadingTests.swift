import FoundationEssentials
import OpenKoiBench
import OpenKoiTesting
import Testing

/// Suites as users write them: JSONL lines and task folders; bad ones are named, the rest load.
struct SuiteLoadingTests {
    func write(_ path: String, _ text: String) throws {
        let parent = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test func jsonlLinesLoadAndBadLinesAreNamedByNumber() throws {
        let directory = try ScratchDirectory(prefix: "openkoi-suite")
        try FileManager.default.createDirectory(atPath: directory.path + "/start", withIntermediateDirectories: true)
        try write(
            directory.path + "/suite.jsonl",
            """
            {"id": "capital", "task": "What is the capital of France?", "expect": "Paris"}
            not json
            {"id": "typo", "task": "x", "expcet": "y"}
            {"id": "ungraded", "task": "Say hi"}
            {"id": "capital", "task": "again", "expect": "x"}
            {"id": "bad-regex", "task": "x", "expect": {"regex": "("}}

            {"id": "fix", "task": "Fix it", "files": "start", \
            "check": {"command": "pytest -q", "timeout_seconds": 5, "restore": ["test_*.py"]}, \
            "max_iterations": 2, "quality": 0.9, "category": "code"}
            {"task": "What is 2+2?", "expect": {"regex": "\\\\b4\\\\b"}}
            {"id": "missing-files", "task": "x", "files": "nowhere", "check": "true"}

            """)
        let suite = try BenchSuite.load(path: directory.path + "/suite.jsonl")
        #expect(suite.tasks.map(\.id) == ["capital", "fix", "line-9"])
        let fix = suite.tasks[1]
        #expect(fix.files == directory.path + "/start")
        #expect(fix.check == BenchCheck(command: "pytest -q", timeoutSeconds: 5, restore: ["test_*.py"]))
        #expect(fix.maxIterations == 2 && fix.quality == 0.9 && fix.category == "code")
        #expect(suite.tasks[2].expect?.matches("It is 4.") == true)
        #expect(suite.tasks[2].expect?.matches("It is 42.") == false)
        #expect(suite.tasks[0].expect?.matches("paris, of course") == true, "text expectations ignore case")
        let problems = suite.problems.map(\.description)
        #expect(problems.count == 6, "\(problems)")
        #expect(problems[0] == "suite.jsonl:2: not a JSON object")
        #expect(problems[1].hasPrefix("suite.jsonl:3: unknown field \"expcet\""))
        #expect(problems[2].hasPrefix("suite.jsonl:4: a task needs \"check\" or \"expect\""))
        #expect(problems[3].hasPrefix("suite.jsonl:5: duplicate id \"capital\" (first on line 1)"))
        #expect(problems[4].hasPrefix("suite.jsonl:6: expect.regex is not a valid regular expression"))
        #expect(problems[5].hasPrefix("suite.jsonl:10: \"files\": nowhere is not a directory"))
    }

    @Test func taskFoldersWithChecksTomlAndSuiteDefaults() throws {
        let root = try ScratchDirectory(prefix: "openkoi-suite-dir")
        try write(root.path + "/bench.toml", "[check]\ntimeout_seconds = 30\nrestore = [\"test_*.py\"]\n")
        try write(root.path + "/a-fix/task.txt", "Fix the bug.\n")
        try write(root.path + "/a-fix/check", "python3 -m pytest -q\n")
        try write(root.path + "/a-fix/workspace/app.py", "x = 1\n")
        try write(root.path + "/b-plain/task.txt", "Write hello.txt\n")
        try write(root.path + "/b-plain/hello_test.sh", "test -f hello.txt\n")
        try write(
            root.path + "/b-plain/task.toml",
            "max_iterations = 2\n[check]\ncommand = \"sh hello_test.sh\"\ntimeout_seconds = 5\n")
        try write(root.path + "/c-broken/check", "true\n")
        try write(root.path + "/d-badtoml/task.txt", "x\n")
        try write(root.path + "/d-badtoml/task.toml", "max_iterations = \"three\"\ncheck_cmd = 1\n")
        try FileManager.default.createDirectory(atPath: root.path + "/notes", withIntermediateDirectories: true)
        let suite = try BenchSuite.load(path: root.path)
        #expect(suite.tasks.map(\.id) == ["a-fix", "b-plain"])
        let fix = suite.tasks[0]
        #expect(fix.prompt == "Fix the bug.")
        #expect(fix.files == root.path + "/a-fix/workspace")
        #expect(fix.check == BenchCheck(command: "python3 -m pytest -q", timeoutSeconds: 30, restore: ["test_*.py"]))
        let plain = suite.tasks[1]
        #expect(plain.files == root.path + "/b-plain" && plain.excludedFiles.contains("task.toml"))
        #expect(plain.check?.command == "sh hello_test.sh" && plain.check?.timeoutSeconds == 5)
        #expect(plain.maxIterations == 2)
        let name = String(root.path.split(separator: "/").last ?? "")
        #expect(suite.problems.map(\.location) == ["\(name)/c-broken", "\(name)/d-badtoml"])
        #expect(suite.problems[0].message == "task.txt is missing")
        #expect(
            suite.problems[1].message.contains("task.toml:1: unknown key check_cmd")
                || suite.problems[1].message.contains("check_cmd"), "\(suite.problems[1])")
    }

    @Test func theAgentSuiteIsAValidSuite() throws {
        var root = #filePath
        for _ in 0..<3 { root = String(root[..<(root.lastIndex(of: "/") ?? root.startIndex)]) }
        let suite = try BenchSuite.load(path: root + "/Benchmarks/agent-suite")
        #expect(suite.problems.isEmpty, "\(suite.problems)")
        #expect(suite.tasks.count == 16)
        for task in suite.tasks {
            #expect(task.files == root + "/Benchmarks/agent-suite/\(task.id)/workspace")
            #expect(task.check?.command.hasPrefix("python3 -m pytest -q") == true, "\(task.id)")
            #expect(task.check?.restore == ["test_*.py", "pytest.ini", "conftest.py"], "\(task.id)")
        }
    }

    @Test func aMissingOrEmptySuiteIsAnError() throws {
        #expect(throws: SuiteError.self) { try BenchSuite.load(path: "/nonexistent/suite.jsonl") }
        let directory = try ScratchDirectory(prefix: "openkoi-suite-empty")
        try write(directory.path + "/empty.jsonl", "\n\n")
        #expect(throws: SuiteError.self) { try BenchSuite.load(path: directory.path + "/empty.jsonl") }
    }
}
