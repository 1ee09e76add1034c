import FoundationEssentials
import OpenKoiCore
import Testing

/// The local llama.cpp server CI starts with `scripts/local-model/start.sh`; loopback addresses only.
private let localModelURL = ProcessInfo.processInfo.environment["OPENKOI_LOCAL_MODEL_URL"].flatMap {
    $0.isEmpty ? nil : $0
}
private let runningInCI = ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty } ?? false

/// The only tests that need a real model: a whole run, no API keys, against the local server.
struct LocalModelRunTests {
    @Test(.enabled(if: localModelURL != nil, "set OPENKOI_LOCAL_MODEL_URL to a running local model server"))
    func answersAQuestionWithTheLocalModel() async throws {
        let url = try #require(localModelURL)
        try #require(
            url.hasPrefix("http://127.0.0.1"), "OPENKOI_LOCAL_MODEL_URL must be a 127.0.0.1 address, got \(url)")
        let sandbox = try CLISandbox()
        let run = try await sandbox.run(
            ["--json", "What is the capital of France?"], environment: ["OPENKOI_LOCAL_BASE_URL": url], timeout: 300)
        #expect(run.exitCode == 0, "\(run.transcript)")
        let result = try run.singleJSONObject()
        #expect(result["output"]?.stringValue?.contains("Paris") == true, "\(run.stdout)")
        #expect(result["best_iteration"] == 1, "the first good answer is kept: \(run.stdout)")
        #expect(result["status"]?.stringValue?.hasPrefix("accepted") == true, "\(run.stdout)")
        #expect(result["model"]?.stringValue?.hasPrefix("local/") == true, "\(run.stdout)")
    }

    @Test(.enabled(if: localModelURL != nil, "set OPENKOI_LOCAL_MODEL_URL to a running local model server"))
    func benchesASmallSuiteOnTheLocalModel() async throws {
        let url = try #require(localModelURL)
        try #require(url.hasPrefix("http://127.0.0.1"), "OPENKOI_LOCAL_MODEL_URL must be a 127.0.0.1 address")
        let sandbox = try CLISandbox()
        try sandbox.write(
            "suite.jsonl",
            """
            {"id": "capital", "task": "What is the capital of France?", "expect": "Paris"}
            {"id": "file", "task": "Say hello.", "check": "test -f never-created.txt"}

            """)
        let run = try await sandbox.run(
            ["bench", "suite.jsonl", "-m", "local/smollm2-135m", "-i", "1", "--sandbox", "off", "--json"],
            environment: ["OPENKOI_LOCAL_BASE_URL": url], timeout: 600)
        #expect(run.exitCode == 0, "\(run.transcript)")
        let report = try run.singleJSONObject()
        let trials = try #require(report["trials"]?.arrayValue)
        let capital = try #require(trials.first { $0["task"] == "capital" })
        #expect(capital["passed"] == true, "SmolLM2 knows Paris: \(capital)")
        #expect(trials.first { $0["task"] == "file" }?["passed"] == false, "a check no answer can pass fails")
        #expect(capital["cost_usd"] == 0, "the local model is free, a known price")
        #expect((capital["tokens"]?.doubleValue ?? 0) > 0, "usage is the server's own count")
        #expect(report["columns"]?[0]?["passed"] == 1)
    }

    @Test(.enabled(if: localModelURL == nil && runningInCI, "only CI must have the local model"))
    func continuousIntegrationStartsTheLocalModel() {
        Issue.record(
            "CI must start the local model: run scripts/local-model/start.sh and set OPENKOI_LOCAL_MODEL_URL=http://127.0.0.1:8080/v1"
        )
    }
}
