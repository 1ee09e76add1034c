import FoundationEssentials
import Glibc
import OpenKoiCore
import Testing

@testable import OpenKoiTools

struct FileToolsTests {
    // MARK: read_file

    @Test func readFileReturnsContentAndHonoursOffsetAndLimit() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("a.txt", "one\ntwo\nthree\nfour\n")
        let box = makeToolBox(dir)

        let whole = await box.call("read_file", ["path": "a.txt"])
        #expect(!whole.isError)
        #expect(whole.content == "one\ntwo\nthree\nfour\n")

        let part = await box.call("read_file", ["path": "a.txt", "offset": 2, "limit": 2, "line_numbers": true])
        #expect(part.content.hasPrefix("     2\ttwo\n     3\tthree\n"))
        #expect(part.content.contains("Call read_file with offset=4"))
    }

    @Test func aHugeLimitPassedAsAStringDoesNotOverflow() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("two.txt", "one\ntwo\nthree\n")
        let box = makeToolBox(dir)
        let outcome = await box.call("read_file", ["path": "two.txt", "offset": 2, "limit": "9223372036854775807"])
        #expect(!outcome.isError, "\(outcome.content)")
        #expect(outcome.content == "two\nthree\n", "\(outcome.content)")
    }

    @Test func aFIFOIsRefusedInsteadOfBlocking() async throws {
        let dir = try TemporaryDirectory()
        #expect(mkfifo(dir.path + "/pipe", 0o600) == 0)
        try dir.write("a.txt", "x\n")
        let box = makeToolBox(dir)
        let read = await box.call("read_file", ["path": "pipe"])
        #expect(read.isError && read.content.contains("not a regular file"), "\(read.content)")
        let edit = await box.call("edit_file", ["path": "pipe", "old_string": "a", "new_string": "b"])
        #expect(edit.isError && edit.content.contains("not a regular file"), "\(edit.content)")
    }

    @Test func readFileErrorsNameTheProblem() async throws {
        let dir = try TemporaryDirectory()
        try dir.writeBytes("blob.bin", [0x89, 0x50, 0x4E, 0x47, 0x00, 0x01, 0x02])
        try dir.makeDirectory("sub")
        try dir.write("short.txt", "x\n")
        let box = makeToolBox(dir)

        let missing = await box.call("read_file", ["path": "nope.txt"])
        #expect(missing.isError && missing.content.contains("does not exist"))
        let binary = await box.call("read_file", ["path": "blob.bin"])
        #expect(binary.isError && binary.content.contains("binary"))
        let directory = await box.call("read_file", ["path": "sub"])
        #expect(directory.isError && directory.content.contains("list_dir"))
        let pastEnd = await box.call("read_file", ["path": "short.txt", "offset": 5])
        #expect(pastEnd.isError && pastEnd.content.contains("past the end"))
        let noPath = await box.call("read_file", [:])
        #expect(noPath.isError && noPath.content.contains("'path'"))
        let badLimit = await box.call("read_file", ["path": "short.txt", "limit": "many"])
        #expect(badLimit.isError && badLimit.content.contains("'limit'"))
        let escape = await box.call("read_file", ["path": "../../etc/passwd"])
        #expect(escape.isError && escape.content.contains("outside the workspace"))
    }

    @Test func readFileRefusesHugeFiles() async throws {
        let dir = try TemporaryDirectory()
        let fd = open(dir.url("huge.log"), O_CREAT | O_WRONLY, 0o644)
        #expect(ftruncate(fd, off_t(ReadFileTool.maxFileBytes + 1)) == 0)
        close(fd)
        let outcome = await makeToolBox(dir).call("read_file", ["path": "huge.log"])
        #expect(outcome.isError && outcome.content.contains("byte limit"))
    }

    // MARK: write_file

    @Test func writeFileCreatesParentsAndReportsTheModifiedPath() async throws {
        let dir = try TemporaryDirectory()
        let box = makeToolBox(dir)
        let outcome = await box.call("write_file", ["path": "deep/new/file.txt", "content": "héllo\n"])
        #expect(!outcome.isError)
        #expect(outcome.modifiedPath == "deep/new/file.txt")
        #expect(outcome.content.contains("Created"))
        #expect(dir.read("deep/new/file.txt") == "héllo\n")
        #expect(permissions(of: dir.url("deep/new/file.txt")) == 0o644)
    }

    @Test func writeFileReplacesAtomicallyKeepingTheMode() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("run.sh", "old")
        chmod(dir.url("run.sh"), 0o755)
        let outcome = await makeToolBox(dir).call("write_file", ["path": "run.sh", "content": "#!/bin/sh\necho new\n"])
        #expect(outcome.content.contains("Replaced"))
        #expect(dir.read("run.sh") == "#!/bin/sh\necho new\n")
        #expect(permissions(of: dir.url("run.sh")) == 0o755)
        // No temporary files are left next to it.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("openkoi-") }
        #expect(leftovers.isEmpty)
    }

    @Test func writeFileRefusesEscapesAndDirectories() async throws {
        let dir = try TemporaryDirectory()
        try dir.makeDirectory("sub")
        try dir.symlink("outside", pointingTo: "/tmp")
        let box = makeToolBox(dir)

        let escape = await box.call("write_file", ["path": "outside/openkoi-escape.txt", "content": "x"])
        #expect(escape.isError && escape.content.contains("outside the workspace"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/openkoi-escape.txt"))
        let directory = await box.call("write_file", ["path": "sub", "content": "x"])
        #expect(directory.isError && directory.content.contains("directory"))
        let missing = await box.call("write_file", ["path": "a.txt"])
        #expect(missing.isError && missing.content.contains("'content'"))
    }

    // MARK: edit_file

    @Test func editFileReplacesOneExactOccurrence() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("a.swift", "let a = 1\nlet b = 2\n")
        let outcome = await makeToolBox(dir).call(
            "edit_file", ["path": "a.swift", "old_string": "let b = 2", "new_string": "let b = 3"])
        #expect(!outcome.isError)
        #expect(outcome.modifiedPath == "a.swift")
        #expect(outcome.content.contains("line 2"))
        #expect(dir.read("a.swift") == "let a = 1\nlet b = 3\n")
    }

    @Test func editFileRefusesAmbiguousMatchesUnlessReplaceAll() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("a.txt", "x\nfoo\nfoo\nfoo\n")
        let box = makeToolBox(dir)

        let ambiguous = await box.call("edit_file", ["path": "a.txt", "old_string": "foo", "new_string": "bar"])
        #expect(ambiguous.isError)
        #expect(ambiguous.content.contains("occurs 3 times"))
        #expect(ambiguous.content.contains("replace_all"))
        #expect(dir.read("a.txt") == "x\nfoo\nfoo\nfoo\n")

        let all = await box.call(
            "edit_file", ["path": "a.txt", "old_string": "foo", "new_string": "bar", "replace_all": true])
        #expect(all.content.contains("3 occurrences"))
        #expect(dir.read("a.txt") == "x\nbar\nbar\nbar\n")
    }

    @Test func editFileExplainsMissingText() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("a.py", "def f():\n    return 1\n")
        let box = makeToolBox(dir)

        let missing = await box.call("edit_file", ["path": "a.py", "old_string": "return 2", "new_string": "x"])
        #expect(missing.isError && missing.content.contains("not found"))
        let empty = await box.call("edit_file", ["path": "a.py", "old_string": "", "new_string": "x"])
        #expect(empty.isError && empty.content.contains("write_file"))
        let noFile = await box.call("edit_file", ["path": "b.py", "old_string": "a", "new_string": "b"])
        #expect(noFile.isError && noFile.content.contains("does not exist"))
        let noNew = await box.call("edit_file", ["path": "a.py", "old_string": "a"])
        #expect(noNew.isError && noNew.content.contains("'new_string'"))
    }

    // MARK: list_dir

    @Test func listDirSortsAndMarksDirectories() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("b.txt", "")
        try dir.write(".hidden", "")
        try dir.write("a/inner.txt", "")
        try dir.symlink("link", pointingTo: "a")
        let outcome = await makeToolBox(dir).call("list_dir")
        #expect(outcome.content == ".hidden\na/\nb.txt\nlink/ -> a")

        let sub = await makeToolBox(dir).call("list_dir", ["path": "a"])
        #expect(sub.content == "inner.txt")
    }

    @Test func listDirCapsEntriesAndReportsErrors() async throws {
        let dir = try TemporaryDirectory()
        for index in 0..<(ListDirTool.maxEntries + 5) { try dir.write("many/f\(index)", "") }
        try dir.write("file.txt", "")
        let box = makeToolBox(dir)

        let capped = await box.call("list_dir", ["path": "many"])
        #expect(capped.content.split(separator: "\n").count == ListDirTool.maxEntries + 1)
        #expect(capped.content.contains("5 more entries"))
        let file = await box.call("list_dir", ["path": "file.txt"])
        #expect(file.isError && file.content.contains("not a directory"))
        let escape = await box.call("list_dir", ["path": "/"])
        #expect(escape.isError)
    }

    // MARK: the tool box itself

    @Test func definitionsDescribeEveryToolWithAnObjectSchema() async throws {
        let dir = try TemporaryDirectory()
        let definitions = makeToolBox(dir).definitions
        #expect(
            definitions.map(\.name) == [
                "read_file", "write_file", "edit_file", "list_dir", "glob", "grep", "run_command",
            ])
        for definition in definitions {
            #expect(definition.parameters["type"] == "object")
            #expect(definition.parameters["properties"]?.objectValue?.isEmpty == false)
            #expect(definition.parameters["required"]?.arrayValue != nil)
            #expect(definition.description.count > 40)
        }
    }

    @Test func unknownToolsAndMalformedArgumentsAreToolErrors() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("a.txt", "hi")
        let box = makeToolBox(dir)

        let unknown = await box.call("delete_everything")
        #expect(unknown.isError && unknown.content.contains("read_file"))
        let stringArguments = await box.call(ToolCall(id: "1", name: "read_file", arguments: "{\"path\": \"a.txt\"}"))
        #expect(stringArguments.content == "hi")
        let arrayArguments = await box.call(ToolCall(id: "1", name: "read_file", arguments: [1, 2]))
        #expect(arrayArguments.isError && arrayArguments.content.contains("JSON object"))
    }

    @Test func aMissingWorkspaceMakesEveryFileToolExplain() async throws {
        let box = BuiltinToolBox(
            workspace: "/tmp/openkoi-missing-workspace-xyz", toolOutputDir: "/tmp/openkoi-missing-workspace-xyz/out",
            policy: .allowAll, commandTimeout: 5)
        let outcome = await box.call("read_file", ["path": "a.txt"])
        #expect(outcome.isError && outcome.content.contains("does not exist"))
    }

    @Test func longResultsAreTruncatedAndSaved() async throws {
        let dir = try TemporaryDirectory()
        let text = (1...3000).map { "line \($0)" }.joined(separator: "\n")
        try dir.write("long.txt", text)
        let outcome = await makeToolBox(dir).call("read_file", ["path": "long.txt", "limit": 5000])
        #expect(outcome.content.contains("[Output truncated:"))
        #expect(outcome.content.contains(dir.url(".tool-output/")))
        #expect(!outcome.content.contains("line 2001\n"))
    }
}
