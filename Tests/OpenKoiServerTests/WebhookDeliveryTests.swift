import Foundation
import OpenKoiCore
import OpenKoiServer
import OpenKoiTesting
import Testing

/// Webhooks leave from the outbox, signed, retried with the same id until the receiver takes them.
struct WebhookDeliveryTests {
    @Test func aFailingReceiverGetsRetriesWithTheSameIDAndAValidSignature() async throws {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let receiver = try LoopbackHTTPServer { request in
            request.index < 2 ? .json(status: 503, #"{"busy": true}"#) : .json("{}")
        }
        defer { receiver.shutdown() }
        let daemon = try await DaemonHarness.start(
            webhooks: WebhooksConfig(
                onTaskComplete: receiver.baseURL + "/hooks/done", secret: secret,
                retryScheduleSeconds: [0.05, 0.05, 0.05]))
        defer { Task { await daemon.stop() } }
        let id = try await daemon.submit(#"{"description": "What is the capital of France?", "max_iterations": 1}"#)
        let third = try #require(await receiver.waitForRequest(2), "three attempts")
        let attempts = await receiver.requests
        #expect(Set(attempts.map { $0.header("webhook-id") ?? "" }).count == 1, "one id across retries")
        let signer = try WebhookSigner(secret: secret)
        for attempt in attempts {
            let timestamp = try #require(attempt.header("webhook-timestamp").flatMap { Int64($0) })
            let expected = signer.signature(
                id: attempt.header("webhook-id") ?? "", timestamp: timestamp, body: attempt.bodyText)
            #expect(attempt.header("webhook-signature") == expected)
            #expect(attempt.path == "/hooks/done" && attempt.method == "POST")
        }
        let payload = try #require(JSONValue.parse(third.bodyText))
        #expect(payload["event"] == "task.complete")
        #expect(payload["data"]?["task_id"] == .string(id) && payload["data"]?["status"] == "succeeded")
        #expect(payload["data"]?["score"]?.doubleValue != nil && payload["data"]?["cost_usd"] == 0)
        #expect(payload["timestamp"]?.stringValue?.hasSuffix("Z") == true)
        // The outbox records the delivery once the receiver accepted it.
        var outbox = try await daemon.queue.outbox()
        while outbox.first?.delivered != true {
            let seen = daemon.queue.signal.generation(TaskQueue.outboxKey)
            outbox = try await daemon.queue.outbox()
            if outbox.first?.delivered == true { break }
            await daemon.queue.signal.wait(TaskQueue.outboxKey, since: seen, timeoutMS: 100)
        }
        #expect(outbox.count == 1 && outbox[0].delivery.attempts == 3)
    }

    @Test func aFailedTaskFiresTaskFailedWithItsError() async throws {
        let receiver = try LoopbackHTTPServer { _ in .json("{}") }
        defer { receiver.shutdown() }
        let daemon = try await DaemonHarness.start(
            webhooks: WebhooksConfig(onTaskFailed: receiver.baseURL + "/failed"),
            executor: { _, _ in throw ProviderError(.authentication, provider: "x", message: "invalid API key") })
        defer { Task { await daemon.stop() } }
        let id = try await daemon.submit(#"{"description": "What is 1+1?", "max_iterations": 1}"#)
        let delivery = try #require(await receiver.waitForRequest(0))
        let payload = try #require(JSONValue.parse(delivery.bodyText))
        #expect(payload["event"] == "task.failed" && payload["data"]?["task_id"] == .string(id))
        #expect(payload["data"]?["status"] == "failed")
        #expect(payload["data"]?["error"]?.stringValue?.contains("invalid API key") == true, "\(payload)")
        #expect(delivery.header("webhook-signature") == nil, "unsigned without a secret")
    }

    /// Daemon tasks that spend 80% of `[daemon] daily_budget_usd` fire one `budget.warning` for the
    /// day, and a task whose budget would pass the limit is refused.
    @Test func theDailyBudgetWarnsOnceAndThenRefuses() async throws {
        let receiver = try LoopbackHTTPServer { _ in .json("{}") }
        defer { receiver.shutdown() }
        // $0.015 per call (10 input + 5 output tokens at $1,000 per million): $0.06 a task here.
        let daemon = try await DaemonHarness.start(
            limits: QueueLimits(dailyBudgetUSD: 0.1, defaultTaskBudgetUSD: 0.01),
            webhooks: WebhooksConfig(onBudgetWarning: receiver.baseURL + "/budget"),
            pricing: ModelPricing(inputPerMTok: 1_000, outputPerMTok: 1_000, cacheReadPerMTok: 0, cacheWritePerMTok: 0))
        defer { Task { await daemon.stop() } }
        for n in 1...2 {
            let id = try await daemon.submit(#"{"description": "What is \#(n)+\#(n)?", "max_iterations": 1}"#)
            let task = try await daemon.waitUntilFinal(id)
            #expect(task["status"] == "succeeded", "\(task)")
        }
        let warning = try #require(await receiver.waitForRequest(0))
        let payload = try #require(JSONValue.parse(warning.bodyText))
        #expect(payload["event"] == "budget.warning" && payload["data"]?["scope"] == "daily", "\(payload)")
        #expect(payload["data"]?["budget_limit"] == 0.1)
        #expect((payload["data"]?["current_cost"]?.doubleValue ?? 0) >= 0.08, "\(payload)")
        let refused = try await daemon.send("POST", "/api/v1/tasks", body: #"{"description": "one more"}"#)
        #expect(refused.status == 422 && refused.json?["error"]?["code"] == "over_daily_budget", "\(refused.text)")
        let warnings = try await daemon.queue.outbox().filter { $0.delivery.event == "budget.warning" }
        #expect(warnings.count == 1, "one warning for the day")
    }
}
