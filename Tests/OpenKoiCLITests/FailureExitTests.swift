import OpenKoiCore
import OpenKoiTesting
import Testing

/// Runs that cannot succeed must say why and exit non-zero, never exit 0 with empty output.
struct FailureExitTests {
    static let task = ["-m", "openai/gpt-4.1", "What is 2+2?"]

    @Test func rejectedKeyFailsWithAnErrorLine() async throws {
        let sandbox = try CLISandbox()
        let server = try OpenAIChatEndpoint { _ in ChatReplies.unauthorized }
        defer { server.shutdown() }
        let run = try await sandbox.run(Self.task, environment: openAIEnvironment(baseURL: server.baseURL))
        #expect(run.exitCode == 1, "\(run.transcript)")
        #expect(run.stdout == "")
        let errorLine = try #require(
            run.stderr.split(separator: "\n").first { $0.hasPrefix("error: ") }, "\(run.transcript)")
        #expect(errorLine.contains("openai"), "the error should name the provider: \(errorLine)")
        #expect(
            errorLine.contains("401") && errorLine.lowercased().contains("api key"),
            "the error should name the key problem: \(errorLine)")
        #expect(!run.stderr.contains("test-key"))
    }

    @Test func rejectedKeyWithJSONPrintsAFailedResult() async throws {
        let sandbox = try CLISandbox()
        let server = try OpenAIChatEndpoint { _ in ChatReplies.unauthorized }
        defer { server.shutdown() }
        let run = try await sandbox.run(["--json"] + Self.task, environment: openAIEnvironment(baseURL: server.baseURL))
        #expect(run.exitCode == 1, "\(run.transcript)")
        let result = try run.singleJSONObject()
        #expect(result["status"] == "failed")
        #expect(result["decision"] == "failed")
        #expect(result["output"] == "")
        let error = try #require(result["error"]?.stringValue, "\(run.stdout)")
        #expect(error.lowercased().contains("api key"), "\(error)")
        #expect(!run.stderrHasJSON)
    }

    @Test func noProviderExplainsHowToSetOneUp() async throws {
        let sandbox = try CLISandbox()  // no keys; local and Ollama addresses are closed ports
        let run = try await sandbox.run(["What is 2+2?"])
        #expect(run.exitCode == 1, "\(run.transcript)")
        #expect(run.stdout == "")
        #expect(run.stderr.contains("error: "), "\(run.transcript)")
        #expect(run.stderr.contains("no model provider found"))
        #expect(run.stderr.contains("export OPENAI_API_KEY="))
        #expect(run.stderr.contains("scripts/local-model/start.sh"))
    }

    @Test func tokenBudgetBreakerExitsWithCode4() async throws {
        let sandbox = try CLISandbox()
        let server = try OpenAIChatEndpoint { _ in "4" }
        defer { server.shutdown() }
        let run = try await sandbox.run(
            ["--json", "--budget-tokens", "1"] + Self.task, environment: openAIEnvironment(baseURL: server.baseURL))
        #expect(run.exitCode == 4, "\(run.transcript)")
        let result = try run.singleJSONObject()
        #expect(result["decision"] == "abort_budget")
        #expect(result["status"] == "stopped")
        #expect(result["error"]?.stringValue?.isEmpty == false, "a stopped task should say why: \(run.stdout)")
    }
}

/// Out-of-range flags are usage errors: exit 64, the flag named, nothing run.
struct FlagValidationTests {
    @Test(arguments: [
        (["-q", "2"], "--quality must be between 0 and 1, got 2.0"),
        (["--timeout", "inf"], "--timeout must be 0 or more seconds (0 = no time limit), got inf"),
        (["--timeout", "-1"], "--timeout must be 0 or more seconds (0 = no time limit), got -1.0"),
        (["--budget", "nan"], "--budget must be 0 or more US dollars"),
        (["--iterate=-1"], "--iterate must be 0 or more"),
        (["-i", "-1"], "--iterate must be 0 or more"),
        (["--budget-tokens", "-5"], "--budget-tokens must be 0 or more"),
        (["--workspace", "/nonexistent-openkoi-dir"], "--workspace /nonexistent-openkoi-dir: no such directory"),
        (["--workspace", "/etc/hostname"], "--workspace /etc/hostname: not a directory"),
    ])
    func outOfRangeValuesExit64NamingTheFlag(flags: [String], message: String) async throws {
        let sandbox = try CLISandbox()
        let run = try await sandbox.run(flags + ["-m", "openai/gpt-4.1", "What is 2+2?"])
        #expect(run.exitCode == 64, "\(run.transcript)")
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
    }
}

/// 0 means "no limit" for every budget, in flags and in config alike (README, "Limits").
struct ZeroMeansNoLimitTests {
    @Test(arguments: [
        (["--timeout", "0", "--budget", "0", "--budget-tokens", "0"], ""),
        ([], "[iteration]\ntimeout_seconds = 0\ntoken_budget = 0\n[safety]\nmax_cost_usd = 0\n"),
    ])
    func zeroBudgetsAreUnlimited(flags: [String], config: String) async throws {
        let sandbox = try CLISandbox()
        let server = try FakeOpenAIServer([.text(["4"]), .text([ChatReplies.passingVerdict])])
        defer { server.shutdown() }
        var arguments = flags
        if !config.isEmpty { arguments += ["--config", try sandbox.write("config.toml", config)] }
        let run = try await sandbox.run(
            arguments + ["--json", "-m", "openai/gpt-4.1", "What is 2+2?"],
            environment: openAIEnvironment(baseURL: server.baseURL))
        #expect(run.exitCode == 0, "\(run.transcript)")
        let result = try run.singleJSONObject()
        #expect(result["output"] == "4")
        #expect(result["status"] == "accepted")
    }
}
