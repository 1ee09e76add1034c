import FoundationEssentials
import OpenKoiCore
import OpenKoiTesting
import Testing

/// One trivial task through the real binary against a fake OpenAI API: the executor answers "4",
/// the judge (second request) passes it.
struct RunCommandTests {
    static let model = "openai/gpt-4.1"
    static let task = "What is 2+2?"

    /// Runs the binary with `arguments`; the server has exactly the two replies the task needs.
    func runTrivialTask(_ arguments: [String]) async throws -> (CLIRun, [RecordedRequest], CLISandbox) {
        let sandbox = try CLISandbox()
        let server = try FakeOpenAIServer([.text(["4"]), .text([ChatReplies.passingVerdict])])
        defer { server.shutdown() }
        let run = try await sandbox.run(arguments, environment: openAIEnvironment(baseURL: server.baseURL))
        return (run, await server.server.requests, sandbox)
    }

    @Test func jsonPrintsOneResultLine() async throws {
        let (run, requests, _) = try await runTrivialTask(["--json", "-m", Self.model, Self.task])
        #expect(run.exitCode == 0, "\(run.transcript)")
        let result = try run.singleJSONObject()
        #expect(result["output"] == "4")
        let score = try #require(result["score"]?.doubleValue, "\(run.stdout)")
        #expect(abs(score - 0.9) < 1e-6)
        #expect(result["iterations"] == 1)
        #expect(result["decision"] == "accept")
        #expect(result["status"] == "accepted")
        // Two calls (answer, judge) of 10 prompt + 5 completion tokens at gpt-4.1's $2 / $8 per million.
        #expect(result["tokens"] == 30)
        let cost = try #require(result["cost_usd"]?.doubleValue, "\(run.stdout)")
        #expect(abs(cost - (20 * 2 + 10 * 8) / 1e6) < 1e-9, "cost_usd \(cost)")
        #expect((result["duration_ms"]?.intValue ?? -1) >= 0)
        #expect(result["error"] == .null)
        #expect(!run.stderrHasJSON, "stderr: \(run.stderr)")
        #expect(requests.count == 2)
        #expect(ChatReplies.isJudgeRequest(requests.last?.bodyText ?? ""), "the second request should be the judge's")
    }

    @Test func quietPrintsOnlyTheAnswer() async throws {
        let (run, _, _) = try await runTrivialTask(["--quiet", "-m", Self.model, Self.task])
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(run.stdout == "4\n")
        #expect(run.stderr == "")
    }

    @Test func plainRunShowsProgressOnStderrAndTheAnswerOnStdout() async throws {
        let (run, _, _) = try await runTrivialTask(["-m", Self.model, Self.task])
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(run.stdout == "4\n")
        #expect(run.stderr.contains("[iter 1/"), "stderr: \(run.stderr)")
        #expect(run.stderr.contains("[done]"), "stderr: \(run.stderr)")
        #expect(!run.stderrHasJSON)
    }

    @Test func apiKeyIsSentButNeverPrintedOrStored() async throws {
        let (run, requests, sandbox) = try await runTrivialTask(["-m", Self.model, Self.task])
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(requests.count == 2)
        for request in requests {
            #expect(request.header("Authorization") == "Bearer test-key")
        }
        #expect(!run.stdout.contains("test-key"))
        #expect(!run.stderr.contains("test-key"))
        let files = try sandbox.openkoiHomeFiles()
        #expect(!files.isEmpty, "the run should leave state files behind")
        for file in files {
            #expect(!file.text.contains("test-key"), "the API key leaked into \(file.path)")
        }
    }

    @Test func optionsMayFollowTheTaskWords() async throws {
        let (run, _, _) = try await runTrivialTask([Self.task, "--json", "-i", "1", "-m", Self.model])
        #expect(run.exitCode == 0, "\(run.transcript)")
        let result = try run.singleJSONObject()
        #expect(result["output"] == "4")
        #expect(result["decision"] == "accept")
        #expect(result["iterations"] == 1)
    }

    @Test func stateFilesRecordTheFinishedTask() async throws {
        let (run, _, sandbox) = try await runTrivialTask(["--json", "-m", Self.model, Self.task])
        #expect(run.exitCode == 0, "\(run.transcript)")
        let result = try run.singleJSONObject()
        let history = try #require(
            sandbox.read(sandbox.stateDirectory + "/task-history.jsonl"), "no task history written")
        let lines = history.split(separator: "\n")
        try #require(lines.count == 1, "history: \(history)")
        let entry = try #require(JSONValue.parse(String(lines[0])))
        #expect(entry["task_id"] == result["id"])
        #expect(entry["description"] == .string(Self.task))
        #expect(entry["decision"] == "accept")
        #expect(entry["iterations"] == 1)
        #expect(!FileManager.default.fileExists(atPath: sandbox.stateDirectory + "/current-task.json"))
    }
}
