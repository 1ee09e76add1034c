import OpenKoiCore
import Testing

@testable import OpenKoiTools

/// `edit_file` as models actually call it: wrong indentation, trailing spaces, CRLF files, and
/// old text that is not in the file at all.
struct EditToleranceTests {
    @Test func aUniqueMatchIgnoringIndentationIsAppliedAndReindented() async throws {
        let dir = try TemporaryDirectory()
        try dir.write(
            "calc.py",
            "class Calc:\n    def add(self, a, b):\n        return a - b\n\n    def sub(self, a, b):\n        return a - b\n"
        )
        let box = makeToolBox(dir)
        // The model dropped the class indentation and added a trailing space.
        let outcome = await box.call(
            "edit_file",
            [
                "path": "calc.py",
                "old_string": "def add(self, a, b):   \n    return a - b",
                "new_string": "def add(self, a, b):\n    return a + b",
            ])
        #expect(!outcome.isError, "\(outcome.content)")
        #expect(outcome.content.contains("indentation and trailing whitespace ignored"))
        #expect(
            dir.read("calc.py")
                == "class Calc:\n    def add(self, a, b):\n        return a + b\n\n    def sub(self, a, b):\n        return a - b\n"
        )
    }

    @Test func lineEndingsOfTheFileAreKept() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("w.txt", "alpha\r\nbeta\r\ngamma\r\n")
        let box = makeToolBox(dir)
        let outcome = await box.call(
            "edit_file", ["path": "w.txt", "old_string": "beta\ngamma", "new_string": "BETA\ngamma"])
        #expect(!outcome.isError, "\(outcome.content)")
        #expect(dir.read("w.txt") == "alpha\r\nBETA\r\ngamma\r\n")
    }

    @Test func anAmbiguousLooseMatchIsRefused() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("a.py", "if x:\n    pass\nif y:\n  pass\n")
        let box = makeToolBox(dir)
        let outcome = await box.call("edit_file", ["path": "a.py", "old_string": "pass", "new_string": "return"])
        #expect(outcome.isError)
        #expect(outcome.content.contains("occurs 2 times"))
        let loose = await box.call("edit_file", ["path": "a.py", "old_string": " pass ", "new_string": "return"])
        #expect(loose.isError)
        #expect(loose.content.contains("matches 2 places"))
        #expect(dir.read("a.py") == "if x:\n    pass\nif y:\n  pass\n", "nothing changed")
    }

    @Test func whenNothingMatchesTheNearestLinesAreShown() async throws {
        let dir = try TemporaryDirectory()
        let body = (1...30).map { "line_\($0) = \($0)" }.joined(separator: "\n")
        try dir.write("big.py", body + "\ndef total(items):\n    return sum(item.price for item in items)\n")
        let box = makeToolBox(dir)
        let outcome = await box.call(
            "edit_file",
            [
                "path": "big.py", "old_string": "def total(items):\n    return sum(i.cost for i in items)",
                "new_string": "x",
            ])
        #expect(outcome.isError)
        #expect(outcome.content.contains("not even ignoring whitespace"))
        #expect(outcome.content.contains("return sum(item.price for item in items)"), "\(outcome.content)")
        #expect(outcome.content.contains("(29–32)"))
        #expect(!outcome.content.contains("line_5 = 5"), "only the nearby lines are shown")
    }

    @Test func existingTestFilesAreProtectedUnlessTheTaskAsks() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("test_calc.py", "def test_add():\n    assert add(1, 2) == 3\n")
        try dir.write("tests/helpers.py", "X = 1\n")
        let box = makeToolBox(dir)
        let write = await box.call(
            ToolCall(
                id: "1", name: "write_file",
                arguments: ["path": "test_calc.py", "content": "def test_add():\n    pass\n"]),
            context: ToolCallContext())
        #expect(write.isError)
        #expect(write.content.contains("existing test file"))
        let edit = await box.call(
            ToolCall(
                id: "2", name: "edit_file",
                arguments: ["path": "tests/helpers.py", "old_string": "X = 1", "new_string": "X = 2"]),
            context: ToolCallContext())
        #expect(edit.isError)
        #expect(dir.read("test_calc.py") == "def test_add():\n    assert add(1, 2) == 3\n")
        let fresh = await box.call(
            ToolCall(
                id: "3", name: "write_file", arguments: ["path": "test_new.py", "content": "def test_x():\n    pass\n"]),
            context: ToolCallContext())
        #expect(!fresh.isError, "a new test file may be created")
        let allowed = await box.call(
            ToolCall(
                id: "4", name: "edit_file",
                arguments: ["path": "tests/helpers.py", "old_string": "X = 1", "new_string": "X = 2"]),
            context: ToolCallContext(allowsTestChanges: true))
        #expect(!allowed.isError)
        #expect(dir.read("tests/helpers.py") == "X = 2\n")
    }

    @Test(arguments: [
        ("test_a.py", true), ("a_test.py", true), ("conftest.py", true), ("tests/util.py", true), ("src/app.py", false),
        ("pkg/x_test.go", true), ("web/app.test.ts", true), ("web/app.spec.js", true),
        ("Tests/CoreTests/ATests.swift", true),
        ("src/contest.py", false), ("testing.md", false),
    ])
    func testFileConventions(path: String, isTest: Bool) {
        #expect(TestFiles.isTestFile(path) == isTest)
    }
}
