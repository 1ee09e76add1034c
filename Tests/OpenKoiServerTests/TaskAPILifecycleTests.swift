import Foundation
import OpenKoiCore
import OpenKoiServer
import OpenKoiTesting
import Testing

/// Cancel, live events, limits and reports through the live API.
struct TaskAPILifecycleTests {
    @Test func cancelAbortsTheInFlightCallAndKeepsThePartialWork() async throws {
        let cancelled = LockedValue(false)
        let daemon = try await DaemonHarness.start(
            executor: { _, call in
                if call == 0 { return .text("a first draft") }
                do {
                    try await Task.sleep(for: .seconds(120))
                } catch {
                    cancelled.withLock { $0 = true }
                    throw error
                }
                return .text("never")
            },
            judge: { _, _ in
                .verdict(["relevance": 0.5, "quality": 0.5, "completeness": 0.5], findings: [("major", "too short")])
            })
        defer { Task { await daemon.stop() } }
        let id = try await daemon.submit(#"{"description": "Write a haiku about rivers", "max_iterations": 3}"#)
        // Wait for the second iteration's call to be in flight.
        let seen = try await daemon.events(of: id) { kind, data in kind == "executing" && data["iteration"] == 2 }
        #expect(seen.contains { $0.kind == "refining" }, "\(seen.map(\.kind))")
        let started = ContinuousClock.now
        let response = try await daemon.send("POST", "/api/v1/tasks/\(id)/cancel")
        #expect(response.status == 200)
        #expect(["cancelling", "cancelled"].contains(response.json?["status"]?.stringValue ?? ""), "\(response.text)")
        let task = try await daemon.waitUntilFinal(id)
        #expect(started.duration(to: .now) < .seconds(10), "cancel reached its end in bounded time")
        #expect(task["status"] == "cancelled", "\(task)")
        #expect(cancelled.value, "the model call itself was aborted")
        #expect(task["output"] == "a first draft", "partial output kept: \(task)")
        #expect(task["tokens"]?["total"]?.intValue ?? 0 > 0 && task["iterations"] == 1, "\(task)")
        #expect(task["timestamps"]?["cancelling"] != nil && task["timestamps"]?["cancelled"] != nil, "\(task)")
        let again = try await daemon.send("POST", "/api/v1/tasks/\(id)/cancel")
        #expect(
            again.status == 200 && again.json?["status"] == "cancelled", "a repeated cancel returns the final object")
    }

    @Test func eventsResumeAfterLastEventIDWithNoneLostOrRepeated() async throws {
        let daemon = try await DaemonHarness.start(
            executor: { _, call in .text(call == 0 ? "draft" : "Paris, the capital") },
            judge: { _, call in
                call == 0
                    ? .verdict(["relevance": 0.4, "quality": 0.4, "completeness": 0.4], findings: [("major", "vague")])
                    : .verdict(["relevance": 0.9, "quality": 0.9, "completeness": 0.9])
            })
        defer { Task { await daemon.stop() } }
        let id = try await daemon.submit(#"{"description": "What is the capital of France?", "max_iterations": 3}"#)
        let head = try await daemon.events(of: id, stopAfter: 3)
        #expect(head.map(\.seq) == [1, 2, 3])
        let rest = try await daemon.events(of: id, after: 3)
        let all = head.map(\.seq) + rest.map(\.seq)
        #expect(all == Array(1...all.count), "contiguous: \(all)")
        let kinds = (head + rest).map(\.kind)
        for kind in ["queued", "executing", "evaluated", "refining", "usage", "decided", "finished"] {
            #expect(kinds.contains(kind), "\(kind) missing from \(kinds)")
        }
        #expect(rest.last?.data["final"] == true && rest.last?.data["status"] == "succeeded")
        let scores = (head + rest).filter { $0.kind == "evaluated" }.compactMap { $0.data["score"]?.doubleValue }
        #expect(scores.count == 2 && scores[0] < scores[1], "\(scores)")
        // After the end, a resume returns at once with nothing; ?starting_after works like the header.
        #expect(try await daemon.events(of: id, after: all.count).isEmpty)
        let viaQuery = try await daemon.send("GET", "/api/v1/tasks/\(id)/events?starting_after=\(all.count - 1)")
        #expect(viaQuery.text.contains("id: \(all.count)\n") && !viaQuery.text.contains("id: \(all.count - 1)\n"))
    }

    @Test func aFullQueueAnswers429WithRetryAfter() async throws {
        let release = AsyncStream<Void>.makeStream()
        let daemon = try await DaemonHarness.start(
            limits: QueueLimits(maxQueued: 1, retryAfterSeconds: 3), workers: 1,
            executor: { _, _ in
                var iterator = release.stream.makeAsyncIterator()
                _ = await iterator.next()
                return .text("done")
            })
        defer {
            release.continuation.finish()
            Task { await daemon.stop() }
        }
        let running = try await daemon.submit(#"{"description": "first", "max_iterations": 0}"#)
        _ = try await daemon.events(of: running, stopAfter: 3)  // claimed: queue depth back to 0
        _ = try await daemon.submit(#"{"description": "second", "max_iterations": 0}"#)
        let refused = try await daemon.send("POST", "/api/v1/tasks", body: #"{"description": "third"}"#)
        #expect(refused.status == 429 && refused.headers["retry-after"] == "3", "\(refused.status) \(refused.headers)")
        #expect(refused.json?["error"]?["code"] == "queue_full")
        let health = try await daemon.send("GET", "/api/v1/health")
        #expect(health.json?["queue"]?["queued"] == 1 && health.json?["queue"]?["running"] == 1, "\(health.text)")
        #expect(health.json?["queue"]?["active_leases"] == 1)
        #expect(health.json?["queue"]?["oldest_queued_age_seconds"]?.doubleValue != nil)
        let status = try await daemon.send("GET", "/api/v1/status")
        #expect(status.json?["daemon_running"] == true && status.json?["active_tasks"]?.arrayValue?.count == 1)
        let cost = try await daemon.send("GET", "/api/v1/cost")
        #expect(cost.json?["running"]?[0]?["task_id"] == .string(running), "\(cost.text)")
        #expect((cost.json?["reserved_usd"]?.doubleValue ?? 0) > 0, "queued and running tasks reserve their budgets")
    }

    @Test func listsPageNewestFirstAndFilterByStatus() async throws {
        let daemon = try await DaemonHarness.start()
        defer { Task { await daemon.stop() } }
        var ids: [String] = []
        for n in 1...3 {
            ids.append(try await daemon.submit(#"{"description": "What is \#(n)+\#(n)?", "max_iterations": 0}"#))
        }
        for id in ids { _ = try await daemon.waitUntilFinal(id) }
        let first = try await daemon.send("GET", "/api/v1/tasks?limit=2")
        #expect(first.json?["tasks"]?.arrayValue?.compactMap { $0["task_id"]?.stringValue } == [ids[2], ids[1]])
        let cursor = try #require(first.json?["next"]?.stringValue)
        let second = try await daemon.send("GET", "/api/v1/tasks?limit=2&after=\(cursor)")
        #expect(second.json?["tasks"]?.arrayValue?.compactMap { $0["task_id"]?.stringValue } == [ids[0]])
        #expect(second.json?["next"] == .null)
        let succeeded = try await daemon.send("GET", "/api/v1/tasks?status=succeeded")
        #expect(succeeded.json?["tasks"]?.arrayValue?.count == 3)
        #expect(try await daemon.send("GET", "/api/v1/tasks?status=queued").json?["tasks"]?.arrayValue?.isEmpty == true)
        let bad = try await daemon.send("GET", "/api/v1/tasks?status=done")
        #expect(bad.status == 422 && bad.json?["error"]?["field"] == "status")
        let cost = try await daemon.send("GET", "/api/v1/cost")
        #expect(cost.json?["last_24h"]?["tasks"] == 3 && cost.json?["by_model"]?[0]?["tasks"] == 3, "\(cost.text)")
    }

    @Test func browsersFromTheReferenceOriginsGetCORSHeaders() async throws {
        let daemon = try await DaemonHarness.start(token: "t")
        defer { Task { await daemon.stop() } }
        let preflight = try await daemon.send(
            "OPTIONS", "/api/v1/tasks",
            headers: [("Origin", "http://localhost:5173"), ("Access-Control-Request-Method", "POST")])
        #expect(preflight.status == 204)
        #expect(preflight.headers["access-control-allow-origin"] == "http://localhost:5173")
        let elsewhere = try await daemon.send("GET", "/api/v1/health", headers: [("Origin", "http://evil.example")])
        #expect(elsewhere.headers["access-control-allow-origin"] == nil)
    }

    @Test func theServedOpenAPIDocumentIsTheOneInTheRepository() async throws {
        let daemon = try await DaemonHarness.start()
        defer { Task { await daemon.stop() } }
        let served = try await daemon.send("GET", "/api/v1/openapi.json")
        #expect(served.status == 200)
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/openapi.json")
        let file = try String(contentsOf: repository, encoding: .utf8)
        #expect(JSONValue.parse(file) == served.json, "docs/openapi.json and the served document differ")
        #expect(served.json?["openapi"] == "3.1.0")
        let paths = served.json?["paths"]?.objectValue?.keys.sorted() ?? []
        #expect(
            paths == [
                "/api/v1/cost", "/api/v1/health", "/api/v1/openapi.json", "/api/v1/status", "/api/v1/tasks",
                "/api/v1/tasks/{id}", "/api/v1/tasks/{id}/cancel", "/api/v1/tasks/{id}/events",
            ], "\(paths)")
    }
}
