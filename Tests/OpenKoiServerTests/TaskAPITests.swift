import Foundation
import OpenKoiCore
import OpenKoiServer
import OpenKoiTesting
import Testing

/// The REST API live on port 0, over the real queue, workers and a scripted pipeline.
struct TaskAPITests {
    @Test func aPostedTaskRunsWithItsParametersAndReportsItsResult() async throws {
        let daemon = try await DaemonHarness.start()
        defer { Task { await daemon.stop() } }
        let created = try await daemon.send(
            "POST", "/api/v1/tasks",
            body: #"{"description": "What is the capital of France?", "max_iterations": 1, "quality_threshold": 0.9}"#)
        #expect(created.status == 201, "\(created.text)")
        #expect(created.json?["status"] == "queued")
        #expect(created.json?["message"] == "Task queued: What is the capital of France?")
        let id = try #require(created.json?["task_id"]?.stringValue)
        #expect(created.headers["location"] == "/api/v1/tasks/\(id)")

        let task = try await daemon.waitUntilFinal(id)
        #expect(task["status"] == "succeeded", "\(task)")
        #expect(task["output"] == "Paris")
        #expect(task["iterations"] == 1)
        #expect(task["request"]?["max_iterations"] == 1 && task["request"]?["quality_threshold"] == 0.9)
        #expect(task["iteration_scores"]?[0]?["score"]?.doubleValue.map { abs($0 - 0.95) < 1e-9 } == true, "\(task)")
        #expect(task["tokens"]?["total"]?.intValue ?? 0 > 0)
        for state in ["queued", "running", "succeeded"] {
            #expect(task["timestamps"]?[state]?.stringValue?.hasSuffix("Z") == true, "\(state): \(task)")
        }
    }

    @Test func badRequestsGetTheirStatusAndAnErrorNamingTheField() async throws {
        let daemon = try await DaemonHarness.start(maxBodyBytes: 2048)
        defer { Task { await daemon.stop() } }
        let cases: [(body: String, status: Int, code: String, field: String?)] = [
            ("{oops", 400, "invalid_json", nil),
            (#"{"description": ""}"#, 400, "empty_description", "description"),
            (#"{"description": "x", "max_iterations": "three"}"#, 422, "invalid_type", "max_iterations"),
            (#"{"description": "x", "priority": 1}"#, 422, "unknown_field", "priority"),
            (#"{"description": "\#(String(repeating: "a", count: 4000))"}"#, 413, "payload_too_large", nil),
        ]
        for item in cases {
            let response = try await daemon.send("POST", "/api/v1/tasks", body: item.body)
            #expect(response.status == item.status, "\(item.body.prefix(60)): \(response.text)")
            #expect(response.json?["error"]?["code"] == .string(item.code), "\(response.text)")
            #expect(
                response.json?["error"]?["field"] == (item.field.map(JSONValue.string) ?? .null), "\(response.text)")
            #expect(response.json?["error"]?["message"]?.stringValue?.isEmpty == false)
        }
        let missing = try await daemon.send("GET", "/api/v1/tasks/no-such-task")
        #expect(missing.status == 404 && missing.json?["error"]?["message"] == "Task 'no-such-task' not found")
        let wrongMethod = try await daemon.send("DELETE", "/api/v1/tasks/some-id")
        #expect(wrongMethod.status == 405 && wrongMethod.headers["allow"] == "GET", "\(wrongMethod.text)")
        #expect(wrongMethod.json?["error"]?["code"] == "method_not_allowed")
        let noRoute = try await daemon.send("GET", "/api/v1/nothing")
        #expect(noRoute.status == 404 && noRoute.json?["error"]?["code"] == "not_found")
        #expect(try await daemon.queue.health().queued == 0, "no refused request queued anything")
    }

    @Test func aTokenGuardsEveryRouteButHealth() async throws {
        let daemon = try await DaemonHarness.start(token: "s3cret-token")
        defer { Task { await daemon.stop() } }
        #expect(try await daemon.send("GET", "/api/v1/health").status == 200)
        for (method, path) in [
            ("GET", "/api/v1/tasks"), ("GET", "/api/v1/status"), ("GET", "/api/v1/cost"), ("POST", "/api/v1/tasks"),
        ] {
            let refused = try await daemon.send(method, path, body: method == "POST" ? #"{"description": "x"}"# : nil)
            #expect(refused.status == 401, "\(method) \(path): \(refused.text)")
            #expect(refused.json?["error"]?["message"] == "Invalid or missing bearer token")
        }
        let wrong = try await daemon.send("GET", "/api/v1/tasks", headers: [("Authorization", "Bearer s3cret-tokex")])
        #expect(wrong.status == 401)
        let right = try await daemon.send("GET", "/api/v1/tasks", headers: [("Authorization", "Bearer s3cret-token")])
        #expect(right.status == 200, "\(right.text)")
        #expect(try await daemon.queue.health().queued == 0)
    }

    @Test func idempotentRetriesReturnTheSameTask() async throws {
        let daemon = try await DaemonHarness.start()
        defer { Task { await daemon.stop() } }
        let body = #"{"description": "What is 2+2?"}"#
        let first = try await daemon.send("POST", "/api/v1/tasks", body: body, headers: [("Idempotency-Key", "abc")])
        let retry = try await daemon.send("POST", "/api/v1/tasks", body: body, headers: [("Idempotency-Key", "abc")])
        #expect(first.status == 201 && retry.status == 200, "\(first.text) \(retry.text)")
        #expect(first.json?["task_id"] == retry.json?["task_id"])
        let other = try await daemon.send(
            "POST", "/api/v1/tasks", body: #"{"description": "What is 3+3?"}"#, headers: [("Idempotency-Key", "abc")])
        #expect(other.status == 422 && other.json?["error"]?["code"] == "idempotency_mismatch")
        let page = try await daemon.send("GET", "/api/v1/tasks")
        #expect(page.json?["tasks"]?.arrayValue?.count == 1, "\(page.text)")
    }

    @Test func aDuplicateWhileTheFirstBodyIsStillArrivingGets409() async throws {
        let daemon = try await DaemonHarness.start()
        defer { Task { await daemon.stop() } }
        let body = #"{"description": "slow upload"}"#
        // The first request's headers arrive, its body does not yet.
        let socket = try RawHTTPClient(port: daemon.port)
        let seen = daemon.queue.signal.generation(TaskQueue.reservedKey("slow"))
        try socket.send(
            "POST /api/v1/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Idempotency-Key: slow\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
        )
        // Wait for the server to have read the first request's head (its reservation), not for a time.
        if await !daemon.queue.isReserved(key: "slow") {
            await daemon.queue.signal.wait(TaskQueue.reservedKey("slow"), since: seen, timeoutMS: 10_000)
        }
        #expect(await daemon.queue.isReserved(key: "slow"))
        var duplicate = try await daemon.send(
            "POST", "/api/v1/tasks", body: body, headers: [("Idempotency-Key", "slow")])
        #expect(duplicate.status == 409, "\(duplicate.text)")
        #expect(duplicate.json?["error"]?["code"] == "idempotency_in_progress")
        try socket.send(body)
        let reply = await socket.receiveHead()
        #expect(reply.hasPrefix("HTTP/1.1 201"), "\(reply)")
        duplicate = try await daemon.send("POST", "/api/v1/tasks", body: body, headers: [("Idempotency-Key", "slow")])
        #expect(duplicate.status == 200, "once created, a retry replays it: \(duplicate.text)")
    }
}
