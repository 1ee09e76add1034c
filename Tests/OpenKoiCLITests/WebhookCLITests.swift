import Foundation
import OpenKoiCore
import OpenKoiTesting
import Testing

/// `[api.webhooks]` fire for CLI and batch runs too, signed, from the same outbox as the daemon's.
struct WebhookCLITests {
    @Test func aCLIRunAndABatchRunSendSignedTaskWebhooks() async throws {
        let sandbox = try CLISandbox()
        let model = try OpenAIChatEndpoint(executorAnswer: { _ in "4" })
        defer { model.shutdown() }
        let receiver = try LoopbackHTTPServer { _ in .json("{}") }
        defer { receiver.shutdown() }
        try FileManager.default.createDirectory(atPath: sandbox.openkoiHome, withIntermediateDirectories: true)
        try """
        [api.webhooks]
        on_task_complete = "\(receiver.baseURL)/complete"
        on_task_failed = "\(receiver.baseURL)/failed"
        secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        """.write(toFile: sandbox.openkoiHome + "/config.toml", atomically: true, encoding: .utf8)
        let environment = openAIEnvironment(baseURL: model.baseURL)

        let run = try await sandbox.run(["-m", "openai/gpt-4.1", "-i", "1", "What is 2+2?"], environment: environment)
        #expect(run.exitCode == 0 && run.stdout == "4\n", "\(run.transcript)")
        let complete = try #require(await receiver.waitForRequest(0))
        #expect(complete.path == "/complete")
        #expect(complete.header("webhook-signature")?.hasPrefix("v1,") == true)
        #expect(complete.header("webhook-id")?.hasPrefix("msg_") == true)
        let payload = try #require(JSONValue.parse(complete.bodyText))
        #expect(payload["event"] == "task.complete" && payload["data"]?["status"] == "succeeded", "\(payload)")
        #expect(payload["data"]?["description"] == "What is 2+2?" && payload["data"]?["iterations"] == 1)

        try sandbox.write("tasks.jsonl", "{\"id\": \"ok\", \"task\": \"What is 2+2?\"}\n")
        let unauthorized = openAIEnvironment(baseURL: model.baseURL, key: "")
        let batch = try await sandbox.run(["batch", "tasks.jsonl", "-m", "openai/gpt-4.1"], environment: unauthorized)
        #expect(batch.exitCode == 1, "no API key: the task fails \(batch.transcript)")
        let failed = try #require(await receiver.waitForRequest(1))
        #expect(failed.path == "/failed")
        let failure = try #require(JSONValue.parse(failed.bodyText))
        #expect(failure["event"] == "task.failed" && failure["data"]?["task_id"] == "ok", "\(failure)")
        #expect(failure["data"]?["error"]?.stringValue?.isEmpty == false)
    }
}
