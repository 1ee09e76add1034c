@testable import OpenKoiCore
import OpenKoiTesting
import Testing

struct EditBlockParserTests {
    func written(_ edit: ProposedEdit?) -> String? {
        if case .write(let text)? = edit?.change { return text }
        return nil
    }

    @Test(arguments: [
        "### FILE: slug.py\n```python\ndef slugify(s):\n    return s.lower()\n```",
        "slug.py:\n```python\ndef slugify(s):\n    return s.lower()\n```",
        "**slug.py**\n\n```python\ndef slugify(s):\n    return s.lower()\n```",
        "```python title=\"slug.py\"\ndef slugify(s):\n    return s.lower()\n```",
        "```slug.py\ndef slugify(s):\n    return s.lower()\n```",
    ])
    func wholeFileNamedByAHeading(reply: String) throws {
        let edits = EditBlockParser.edits(in: reply)
        try #require(edits.count == 1)
        #expect(edits[0].path == "slug.py")
        #expect(edits[0].naming == .explicit)
        #expect(written(edits[0]) == "def slugify(s):\n    return s.lower()\n")
    }

    @Test func proseAndFirstLineCommentsNameFilesByInference() throws {
        let prose = EditBlockParser.edits(
            in: "Here is the updated `src/app.py` with the fix:\n\n```python\nx = 1\ny = 2\n```\n")
        #expect(prose.first?.path == "src/app.py")
        #expect(prose.first?.naming == .inferred)
        let comment = EditBlockParser.edits(in: "```python\n# stack.py\nclass Stack:\n    pass\n```")
        #expect(comment.first?.path == "stack.py")
        #expect(comment.first?.naming == .inferred)
        #expect(written(comment.first) == "class Stack:\n    pass\n", "the label comment is not part of the file")
        let slashes = EditBlockParser.edits(in: "```js\n// lib/util.js\nexport const a = 1;\n```")
        #expect(slashes.first?.path == "lib/util.js")
    }

    @Test func blocksThatNameNoFileAreReportedButShellAndToolCallsAreNotFiles() {
        let unnamed = EditBlockParser.edits(in: "Try this:\n```python\nprint(1)\nprint(2)\n```")
        #expect(unnamed.count == 1)
        #expect(unnamed.first?.path == nil)
        #expect(unnamed.first?.toolCall(id: "x") == nil)
        #expect(EditBlockParser.edits(in: "Run:\n```sh\npytest -q\nls\n```").isEmpty)
        #expect(
            EditBlockParser.edits(in: "```json\n{\"name\": \"read_file\", \"arguments\": {\"path\": \"a\"}}\n```")
                .isEmpty)
        #expect(EditBlockParser.edits(in: "The capital of France is Paris.").isEmpty)
    }

    @Test func searchReplaceBlocksAfterAFileName() throws {
        let reply = """
            Change the condition:

            util.py
            ```python
            <<<<<<< SEARCH
            def is_leap(y):
                return y % 4 == 0
            =======
            def is_leap(y):
                return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
            >>>>>>> REPLACE
            ```
            <<<<<<< SEARCH
            VERSION = 1
            =======
            VERSION = 2
            >>>>>>> REPLACE
            """
        let edits = EditBlockParser.edits(in: reply)
        try #require(edits.count == 2)
        #expect(edits.allSatisfy { $0.path == "util.py" && $0.format == .searchReplace })
        #expect(
            edits[0].change
                == .replace(
                    search: "def is_leap(y):\n    return y % 4 == 0",
                    replace: "def is_leap(y):\n    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)"))
        #expect(
            edits[1].change == .replace(search: "VERSION = 1", replace: "VERSION = 2"), "the file name carries over")
        let call = try #require(edits[1].toolCall(id: "e1"))
        #expect(call.name == "edit_file")
        #expect(call.arguments["old_string"]?.stringValue == "VERSION = 1")
    }

    @Test func anUnfinishedSearchBlockIsAProblemNotAnEdit() {
        let edits = EditBlockParser.edits(in: "a.py\n<<<<<<< SEARCH\nx = 1\n=======\nx = 2\n")
        #expect(edits.count == 1)
        #expect(edits.first?.problem?.contains("REPLACE") == true)
        #expect(edits.first?.toolCall(id: "x") == nil)
    }

    @Test func unifiedDiffHunksBecomeReplacements() throws {
        let reply = """
            ```diff
            --- a/calc.py
            +++ b/calc.py
            @@ -1,4 +1,4 @@
             def add(a, b):
            -    return a - b
            +    return a + b

             def sub(a, b):
            ```
            """
        let edits = EditBlockParser.edits(in: reply)
        try #require(edits.count == 1)
        #expect(edits[0].path == "calc.py")
        #expect(edits[0].format == .unifiedDiff)
        #expect(
            edits[0].change
                == .replace(
                    search: "def add(a, b):\n    return a - b\n\ndef sub(a, b):",
                    replace: "def add(a, b):\n    return a + b\n\ndef sub(a, b):"))
    }

    @Test func aDiffFromDevNullCreatesAFileAndBareDiffsAreFound() throws {
        let reply = "--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1,2 @@\n+hello\n+world\n"
        let edits = EditBlockParser.edits(in: reply)
        try #require(edits.count == 1)
        #expect(edits[0].path == "new.txt")
        #expect(written(edits[0]) == "hello\nworld\n")
        let deletion = EditBlockParser.edits(in: "--- a/old.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-gone\n")
        #expect(deletion.first?.problem?.contains("deleting") == true)
    }

    @Test func aBlockCutOffByTheOutputLimitIsNotApplied() {
        let reply = "### FILE: big.py\n```python\ndef a():\n    pass\ndef b("
        #expect(EditBlockParser.edits(in: reply, truncated: true).first?.problem?.contains("cut off") == true)
        #expect(
            EditBlockParser.edits(in: reply, truncated: false).first?.problem == nil, "the model ended without closing")
    }

    @Test func namesThatAreNotPaths() {
        #expect(!FileNaming.looksLikePath("3.11"))
        #expect(!FileNaming.looksLikePath("https://example.com/a.py"))
        #expect(!FileNaming.looksLikePath("e.g."))
        #expect(FileNaming.looksLikePath("Makefile"))
        #expect(FileNaming.looksLikePath("src/app.test.ts"))
    }
}

struct TaskIntentTests {
    @Test func readsNamedExpectedAndTestFiles() {
        let create = TaskIntent("Create `stack.py` with a Stack class; test_stack.py shows the API.")
        #expect(create.mentionedPaths == ["stack.py", "test_stack.py"])
        #expect(create.expectedFiles == ["stack.py"])
        #expect(!create.allowsTestChanges)
        #expect(TaskIntent("Fix the bug in parser.py").expectedFiles.isEmpty)
        #expect(TaskIntent("Add a test for the empty input to test_parser.py").allowsTestChanges)
        #expect(TaskIntent("Update the tests after the rename").allowsTestChanges)
        #expect(!TaskIntent("Make the failing test pass").allowsTestChanges)
        #expect(
            !TaskIntent("Fix the failing test in test_parser.py").allowsTestChanges,
            "fixing a failing test means fixing the code")
    }
}

struct RepetitionTests {
    @Test func aFileBlockWrittenAgainIsCutAtItsSecondHeading() throws {
        let block = "### FILE: rle.py\n```python\ndef decode(s):\n    return s\n```\n\n"
        let text = block + block + "### FILE: rle.py\n```python\ndef dec"
        let cut = try #require(Repetition.cut(text))
        #expect(String(text[..<cut]) == block)
        #expect(Repetition.cut(block + "### FILE: other.py\n```python\nx = 1\n```\n") == nil, "another file is fine")
        #expect(
            Repetition.cut("### FILE: a.md\n````markdown\n### FILE: a.md\n````\n") == nil,
            "headings inside a fence do not count")
    }

    @Test func aLineRepeatedOverAndOverIsCut() throws {
        let text = "Answer:\n" + String(repeating: "return None\n", count: 30)
        let cut = try #require(Repetition.cut(text))
        #expect(text[..<cut].components(separatedBy: "return None").count - 1 == Repetition.repeatedLines - 1)
    }

    @Test func aStreamCutEarlyEndsWithAStopAndCountsItsTokens() async throws {
        let model = ScriptedModel(replies: [
            .text("### FILE: a.py\n```python\nx = 1\n```\n### FILE: a.py\n```python\nx = 1\n```\n")
        ])
        let response = try await ChatResponse.collect(
            model.stream(ChatRequest(model: "m", messages: [.user("hi")])), cut: Repetition.cut)
        #expect(response.content == "### FILE: a.py\n```python\nx = 1\n```\n")
        #expect(response.stopReason == .stopSequence)
        #expect(response.usage.outputTokens > 0)
    }
}
