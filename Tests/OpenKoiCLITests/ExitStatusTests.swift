import Glibc
@testable import OpenKoiCLI
import OpenKoiCore
import OpenKoiTesting
import Testing

/// Exit codes a script can trust: a lost result or an unfinished batch is never a 0.
struct ExitStatusTests {
    static let model = ["-m", "openai/gpt-4.1"]

    @Test(arguments: [("> /dev/full", "No space left on device"), (">&-", "standard output is closed")])
    func aResultThatCannotBeWrittenIsAFailure(redirect: String, reason: String) async throws {
        let sandbox = try CLISandbox()
        let server = try FakeOpenAIServer([.text(["4"]), .text([ChatReplies.passingVerdict])])
        defer { server.shutdown() }
        let run = try await sandbox.runShell(
            Self.model + ["What is 2+2?"], redirect: redirect, environment: openAIEnvironment(baseURL: server.baseURL))
        #expect(run.exitCode == 1, "\(run.transcript)")
        #expect(run.stderr.contains("could not write the result to standard output: \(reason)"), "\(run.stderr)")
    }

    @Test func batchResultsThatCannotBeWrittenAreAFailure() async throws {
        let sandbox = try CLISandbox()
        try sandbox.write("tasks.jsonl", #"{"id": "a", "task": "What is 2+2?"}"# + "\n")
        let server = try OpenAIChatEndpoint { _ in "4" }
        defer { server.shutdown() }
        let run = try await sandbox.runShell(
            ["batch", "tasks.jsonl"] + Self.model, redirect: "> /dev/full",
            environment: openAIEnvironment(baseURL: server.baseURL))
        #expect(run.exitCode == 1, "\(run.transcript)")
        #expect(run.stderr.contains("could not write results to standard output: No space left on device"))
    }

    @Test func aBatchWhoseTasksAllRanOutOfTimeExits2() async throws {
        let sandbox = try CLISandbox()
        try sandbox.write(
            "tasks.jsonl",
            #"{"id": "a", "task": "What is 1+1?"}"# + "\n" + #"{"id": "b", "task": "What is 2+2?"}"# + "\n")
        let server = try OpenAIChatEndpoint { _ in .noResponse }
        defer { server.shutdown() }
        let run = try await sandbox.run(
            ["batch", "tasks.jsonl", "--timeout", "0.5"] + Self.model,
            environment: openAIEnvironment(baseURL: server.baseURL))
        #expect(run.exitCode == 2, "\(run.transcript)")
        let results = try run.jsonLines()
        #expect(results.count == 2)
        #expect(results.allSatisfy { $0["status"] == "stopped" && $0["decision"] == "abort_timeout" }, "\(run.stdout)")
    }

    @Test func sigtermDuringABatchExits130() async throws {
        let sandbox = try CLISandbox()
        try sandbox.write("tasks.jsonl", #"{"id": "a", "task": "What is 1+1?"}"# + "\n")
        let server = try OpenAIChatEndpoint { _ in .noResponse }
        defer { server.shutdown() }
        let batch = Task {
            try await sandbox.runShell(
                ["batch", "tasks.jsonl"] + Self.model, writePID: true,
                environment: openAIEnvironment(baseURL: server.baseURL))
        }
        // The request reaching the server means the task is in flight (and the pid file written).
        _ = await server.http.waitForRequest(0)
        let pid = try #require(sandbox.read(sandbox.pidFile).flatMap { Int32($0.trimmed) })
        kill(pid, SIGTERM)
        let run = try await batch.value
        #expect(run.exitCode == 130, "\(run.transcript)")
        let results = try run.jsonLines()
        #expect(results.count == 1)
        #expect(results.first?["decision"] == "cancelled", "\(run.stdout)")
    }
}

/// Text from a batch file, a model or a server never reaches the terminal raw (issue 6, item 12).
struct TerminalEscapeTests {
    @Test func controlCharactersInProgressAreShownEscaped() async throws {
        let sandbox = try CLISandbox()
        try sandbox.write("tasks.jsonl", #"{"id": "x\u001b]0;PWNED\u0007\r", "task": "What is 2+2?"}"# + "\n")
        let server = try OpenAIChatEndpoint { _ in "4\u{1B}[2J" }
        defer { server.shutdown() }
        let run = try await sandbox.run(
            ["batch", "tasks.jsonl", "-m", "openai/gpt-4.1"], environment: openAIEnvironment(baseURL: server.baseURL))
        #expect(run.stderr.contains(#"[batch] 1 done: x\x1B]0;PWNED\x07\x0D accepted"#), "\(run.stderr)")
        #expect(!run.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x0D })
        // stdout is data: the JSON line carries the id exactly, escaped by JSON itself.
        #expect(try run.jsonLines().first?["id"] == "x\u{1B}]0;PWNED\u{07}\r")
    }

    @Test func escapingKeepsNewlinesTabsAndText() {
        #expect(TerminalText.escaped("a\tb\nc — ü") == "a\tb\nc — ü")
        #expect(TerminalText.escaped("\u{1B}[31mred\u{9B}\u{202E}") == #"\x1B[31mred\x9B\u{202E}"#)
    }
}

/// A retried call is a `retrying` event of its task, so progress and state files see it (issue 6, item 21).
struct RetryEventTests {
    @Test func aRateLimitedCallShowsAsARetryInProgress() async throws {
        let sandbox = try CLISandbox()
        let server = try FakeOpenAIServer([
            .rateLimited(headers: [("retry-after-ms", "10")]), .text(["4"]), .text([ChatReplies.passingVerdict]),
        ])
        defer { server.shutdown() }
        let run = try await sandbox.run(
            ["-m", "openai/gpt-4.1", "What is 2+2?"], environment: openAIEnvironment(baseURL: server.baseURL))
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(run.stdout == "4\n")
        #expect(run.stderr.contains("[retry] attempt 1 in 0.0 s: openai:"), "\(run.stderr)")
        #expect(!run.stderr.contains("warning: openai"), "reported once, as the task's event")
    }
}
