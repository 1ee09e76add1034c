import Foundation
import OpenKoiCore
import OpenKoiServer
import OpenKoiTesting
import Testing

/// Two daemons, each with its own data dir and port, on one PostgreSQL queue
/// (`[daemon] queue = "postgres://…"`): either API accepts and reports any task, and when one daemon
/// is killed with SIGKILL the other finishes its work once the lease expires — none lost, none twice.
@Suite(
    .enabled(
        if: ProcessInfo.processInfo.environment["OPENKOI_TEST_POSTGRES_URL"] != nil,
        "needs the PostgreSQL server scripts/test.sh starts"))
struct SharedQueueDaemonTests {
    typealias Daemons = DaemonCommandTests

    /// A fresh database on the test server, dropped by the caller.
    static func scratchDatabase() throws -> (url: String, drop: @Sendable () -> Void) {
        let server = try #require(ProcessInfo.processInfo.environment["OPENKOI_TEST_POSTGRES_URL"])
        let name = "openkoi_cli_" + TaskSpec.newID().filter { $0.isLetter || $0.isNumber }.lowercased()
        try PostgresConnection(url: server).execute("CREATE DATABASE \(name)")
        let base = String(server[...(server.lastIndex(of: "/") ?? server.startIndex)])
        return (
            base + name,
            { try? PostgresConnection(url: server).execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
        )
    }

    @Test func aKilledDaemonsTaskIsFinishedByTheOtherAndNoTaskRunsTwice() async throws {
        let (queueURL, drop) = try Self.scratchDatabase()
        defer { drop() }
        let firstLife = LockedValue(true)
        let model = try OpenAIChatEndpoint { body in
            // While daemon A lives, the slow task's model call never answers.
            if firstLife.value, body.contains("slow"), !ChatReplies.isJudgeRequest(body) { return .noResponse }
            return Daemons.answer(body)
        }
        defer { model.shutdown() }
        let config = "queue = \"\(queueURL)\"\nlease_seconds = 2\n"
        let a = try Daemons.DaemonSandbox(config: config, server: model)
        let b = try Daemons.DaemonSandbox(config: config, server: model)
        let (pidA, urlA) = try await a.start()
        defer { kill(pidA, SIGKILL) }
        let slow = try #require(
            try await a.send(
                "POST", urlA + "/api/v1/tasks",
                body: #"{"description": "What is slow France's capital?", "max_iterations": 1}"#)["task_id"]?
                .stringValue)
        // A (one worker) holds the slow task before B starts, so B gets the rest.
        _ = try #require(await model.http.waitForRequest(0), "the slow task's call is in flight on A")
        let (pidB, urlB) = try await b.start()
        defer { kill(pidB, SIGKILL) }
        var others: [String] = []
        for n in 1...3 {
            let created = try await a.send(
                "POST", urlA + "/api/v1/tasks",
                body: #"{"description": "What is the capital of France? (\#(n))", "max_iterations": 1}"#)
            others.append(try #require(created["task_id"]?.stringValue))
        }
        for id in others {
            let task = try await b.waitUntilFinal(urlB, id)
            #expect(task["status"] == "succeeded" && task["output"] == "Paris" && task["attempts"] == 1, "\(task)")
        }
        let running = try await b.send("GET", urlB + "/api/v1/tasks/\(slow)")
        #expect(running["status"] == "running", "B reports the task A runs: \(running)")

        firstLife.withLock { $0 = false }
        kill(pidA, SIGKILL)
        await Daemons.waitForExit(lockFile: a.dataDir + "/daemon.lock")
        // B gives A's task back once its lease expires, then runs it: attempt 2.
        let finished = try await b.waitUntilFinal(urlB, slow)
        #expect(finished["status"] == "succeeded" && finished["output"] == "Paris", "\(finished)")
        #expect(finished["attempts"] == 2, "\(finished)")
        let all = try await b.send("GET", urlB + "/api/v1/tasks")
        #expect(all["tasks"]?.arrayValue?.count == 4, "no task vanished or appeared twice: \(all)")
        // Each quick task reached the model once: the task a request asks about is its last user turn
        // (earlier tasks also appear in later prompts, recalled from memory).
        let asked = await model.requests.filter { !ChatReplies.isJudgeRequest($0.bodyText) }.compactMap {
            JSONValue.parse($0.bodyText)?["messages"]?.arrayValue?.last { $0["role"] == "user" }?["content"]?
                .stringValue
        }
        for n in 1...3 {
            #expect(asked.filter { $0.contains("capital of France? (\(n))") }.count == 1, "task \(n): \(asked)")
        }
        let status = try await b.sandbox.run(["daemon", "status", "--json"], environment: b.environment)
        let report = try status.singleJSONObject()
        #expect(report["queued"] == 0, "\(status.transcript)")
    }
}
