import Foundation
import OpenKoiCore
import Testing

/// `openkoi batch`: one result line per task or bad input line, whatever order tasks finish in.
struct BatchCommandTests {
    static let input = """
        {"id": "add-1", "task": "What is 1+1?"}
        {"id": "add-2", "task": "What is 2+2?"}
        this line is not JSON
        {"id": "no-task", "quality": 0.5}
        {"id": "add-3", "task": "What is 3+3?"}

        """

    static func answer(_ body: String) -> String {
        if body.contains("1+1") { return "2" }
        if body.contains("2+2") { return "4" }
        if body.contains("3+3") { return "6" }
        return "unexpected request"
    }

    @Test func goodAndBadLinesEachGetOneResult() async throws {
        let sandbox = try CLISandbox()
        try sandbox.write("tasks.jsonl", Self.input)
        let server = try OpenAIChatEndpoint(executorAnswer: Self.answer)
        defer { server.shutdown() }
        let run = try await sandbox.run(
            ["batch", "tasks.jsonl", "--concurrency", "2", "-m", "openai/gpt-4.1"],
            environment: openAIEnvironment(baseURL: server.baseURL))
        #expect(run.exitCode == 1, "some lines failed: \(run.transcript)")
        let results = try run.jsonLines()
        #expect(results.count == 5, "\(run.stdout)")
        var byID: [String: JSONValue] = [:]
        for result in results {
            let id = try #require(result["id"]?.stringValue, "\(result)")
            #expect(byID[id] == nil, "duplicate result for \(id)")
            byID[id] = result
        }

        for (id, output) in [("add-1", "2"), ("add-2", "4"), ("add-3", "6")] {
            let result = try #require(byID[id], "no result for \(id): \(run.stdout)")
            #expect(result["status"] == "accepted", "\(id): \(result)")
            #expect(result["output"] == .string(output), "\(id): \(result)")
            #expect(result["iterations"] == 1)
            #expect(result["error"] == .null)
        }
        let notJSON = try #require(byID["line-3"], "no result for line 3: \(run.stdout)")
        #expect(notJSON["status"] == "failed")
        #expect(notJSON["error"]?.stringValue?.contains("line 3") == true, "\(notJSON)")
        let noTask = try #require(byID["no-task"], "no result for line 4: \(run.stdout)")
        #expect(noTask["status"] == "failed")
        let noTaskError = noTask["error"]?.stringValue ?? ""
        #expect(noTaskError.contains("line 4") && noTaskError.contains("task"), "\(noTask)")

        #expect(!run.stderrHasJSON)
        #expect(await server.requests.count == 6, "one executor and one judge request per good task")
    }

    @Test func crlfLinesAreTasksAndInvalidUTF8FailsByLineNumber() async throws {
        let sandbox = try CLISandbox()
        let path = try sandbox.write("tasks.jsonl", "")
        var bytes = Array("{\"id\": \"add-1\", \"task\": \"What is 1+1?\"}\r\n".utf8)
        bytes += Array("{\"id\": \"bad\", \"task\": \"What is ".utf8) + [0xFF, 0xFE] + Array("?\"}\r\n".utf8)
        bytes += Array("{\"id\": \"add-2\", \"task\": \"What is 2+2?\"}\r\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let server = try OpenAIChatEndpoint(executorAnswer: Self.answer)
        defer { server.shutdown() }
        let run = try await sandbox.run(
            ["batch", "tasks.jsonl", "--concurrency", "1", "-m", "openai/gpt-4.1"],
            environment: openAIEnvironment(baseURL: server.baseURL))
        #expect(run.exitCode == 1, "line 2 failed: \(run.transcript)")
        let results = try run.jsonLines()
        #expect(results.count == 3, "\(run.stdout)")
        let byID = Dictionary(uniqueKeysWithValues: results.compactMap { r in r["id"]?.stringValue.map { ($0, r) } })
        #expect(byID["add-1"]?["output"] == "2", "\(run.stdout)")
        #expect(byID["add-2"]?["output"] == "4", "\(run.stdout)")
        let bad = try #require(byID["line-2"], "\(run.stdout)")
        #expect(bad["status"] == "failed")
        #expect(bad["error"] == "line 2: not valid UTF-8", "\(bad)")
    }

    @Test func invalidUTF8OnStdinFailsByLineNumberToo() async throws {
        let sandbox = try CLISandbox()
        let path = try sandbox.write("tasks.jsonl", "")
        var bytes = Array("{\"id\": \"add-1\", \"task\": \"What is 1+1?\"}\n".utf8)
        bytes += Array("{\"id\": \"bad\", \"task\": \"What is ".utf8) + [0xC3, 0x28] + Array("?\"}\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let server = try OpenAIChatEndpoint(executorAnswer: Self.answer)
        defer { server.shutdown() }
        let run = try await sandbox.runShell(
            ["batch", "-", "--concurrency", "1", "-m", "openai/gpt-4.1"], redirect: "< tasks.jsonl",
            environment: openAIEnvironment(baseURL: server.baseURL))
        #expect(run.exitCode == 1, "\(run.transcript)")
        let results = try run.jsonLines()
        #expect(results.count == 2, "\(run.stdout)")
        #expect(results.contains { $0["id"] == "line-2" && $0["error"] == "line 2: not valid UTF-8" }, "\(run.stdout)")
        #expect(results.contains { $0["id"] == "add-1" && $0["output"] == "2" })
    }

    @Test func concurrencyAboveTheMaximumIsAUsageError() async throws {
        let sandbox = try CLISandbox()
        try sandbox.write("tasks.jsonl", "{\"task\": \"What is 1+1?\"}\n")
        let run = try await sandbox.run(["batch", "tasks.jsonl", "--concurrency", "1000000", "-m", "openai/gpt-4.1"])
        #expect(run.exitCode == 64, "\(run.transcript)")
        #expect(run.stderr.contains("--concurrency must be between 1 and 256, got 1000000"), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
    }
}
