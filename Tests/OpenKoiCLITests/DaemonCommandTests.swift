import Foundation
import OpenKoiCore
import OpenKoiProviders
import OpenKoiTesting
import Testing

/// `openkoi daemon`: a real background process serving the queue, stopped gracefully, and killed
/// with SIGKILL mid-task without losing or doubling a task.
struct DaemonCommandTests {
    /// A sandbox with a fake OpenAI model and a config binding the API to an ephemeral port.
    struct DaemonSandbox {
        let sandbox: CLISandbox
        let server: OpenAIChatEndpoint
        let environment: [String: String]

        init(config: String = "", answer: @escaping @Sendable (String) -> ScriptedResponse) throws {
            try self.init(config: config, server: OpenAIChatEndpoint(answer: answer))
        }

        /// A daemon of its own (data dir, port) on a model server that others may share.
        init(config: String = "", server: OpenAIChatEndpoint) throws {
            sandbox = try CLISandbox()
            self.server = server
            environment = openAIEnvironment(baseURL: server.baseURL)
            try FileManager.default.createDirectory(
                atPath: sandbox.openkoiHome, withIntermediateDirectories: true)
            try "[api]\nport = 0\n\n[daemon]\nworkers = 1\n\(config)\n[models]\nexecutor = \"openai/gpt-4.1\"\n"
                .write(toFile: sandbox.openkoiHome + "/config.toml", atomically: true, encoding: .utf8)
        }

        var dataDir: String { sandbox.openkoiHome + "/data" }

        func start() async throws -> (pid: Int32, url: String) {
            let run = try await sandbox.run(["daemon", "start"], environment: environment)
            #expect(run.exitCode == 0, "\(run.transcript)")
            #expect(run.stdout.hasPrefix("OpenKoi daemon started (PID "), "\(run.transcript)")
            let state = try #require(
                FileManager.default.contents(atPath: dataDir + "/daemon.json").flatMap { JSONValue.parse($0) })
            let pid = try #require(state["pid"]?.intValue)
            let port = try #require(state["port"]?.intValue)
            #expect(try String(contentsOfFile: dataDir + "/daemon.pid", encoding: .utf8) == "\(pid)\n")
            return (Int32(pid), "http://127.0.0.1:\(port)")
        }

        func send(_ method: String, _ url: String, body: String? = nil) async throws -> JSONValue {
            let response = try await CurlTransport().send(
                HTTPRequest(
                    method: method, url: url, headers: [("Content-Type", "application/json")],
                    body: body.map { Data($0.utf8) }, timeout: 30))
            let data = try await response.collectBody()
            return try #require(JSONValue.parse(data), "\(method) \(url): \(String(decoding: data, as: UTF8.self))")
        }

        /// Reads the task's event stream to its final event; returns the task.
        func waitUntilFinal(_ url: String, _ id: String) async throws -> JSONValue {
            let response = try await CurlTransport().send(
                HTTPRequest(method: "GET", url: url + "/api/v1/tasks/\(id)/events", timeout: 60))
            _ = try await response.collectBody()
            return try await send("GET", url + "/api/v1/tasks/\(id)")
        }
    }

    /// Waits for a killed daemon to be gone: its data dir lock is released when the process exits.
    static func waitForExit(lockFile: String) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let started = DetachedThread.start {
                let fd = open(lockFile, O_RDWR)
                if fd >= 0 {
                    flock(fd, LOCK_EX)
                    close(fd)
                }
                continuation.resume()
            }
            if !started { continuation.resume() }
        }
    }

    /// Follows a task's event stream until `count` events arrived, then drops the connection.
    static func eventIDs(_ url: String, _ id: String, upTo count: Int) async throws -> [Int] {
        let response = try await CurlTransport().send(
            HTTPRequest(method: "GET", url: url + "/api/v1/tasks/\(id)/events", timeout: 30))
        var text = ""
        for try await chunk in response.body {
            text += String(decoding: chunk, as: UTF8.self)
            if ids(in: text).count >= count { break }
        }
        return Array(ids(in: text).prefix(count))
    }

    static func ids(in stream: String) -> [Int] {
        stream.split(separator: "\n").filter { $0.hasPrefix("id: ") }.compactMap { Int($0.dropFirst(4)) }
    }

    static func answer(_ body: String) -> ScriptedResponse {
        ChatReplies.text(ChatReplies.isJudgeRequest(body) ? ChatReplies.passingVerdict : "Paris")
    }

    @Test func startServeStatusAndStopGracefully() async throws {
        let daemon = try DaemonSandbox(answer: Self.answer)
        defer { daemon.server.shutdown() }
        let idle = try await daemon.sandbox.run(["daemon", "status"], environment: daemon.environment)
        #expect(idle.stdout.hasPrefix("Daemon: not running"), "\(idle.transcript)")
        let (pid, url) = try await daemon.start()
        defer { kill(pid, SIGKILL) }
        let again = try await daemon.sandbox.run(["daemon", "start"], environment: daemon.environment)
        #expect(again.stdout.contains("already running (PID \(pid))"), "\(again.transcript)")

        let created = try await daemon.send(
            "POST", url + "/api/v1/tasks",
            body: #"{"description": "What is the capital of France?", "max_iterations": 1}"#)
        let id = try #require(created["task_id"]?.stringValue)
        let task = try await daemon.waitUntilFinal(url, id)
        #expect(task["status"] == "succeeded" && task["output"] == "Paris", "\(task)")

        let status = try await daemon.sandbox.run(["daemon", "status"], environment: daemon.environment)
        #expect(status.stdout.contains("Daemon: running (PID \(pid)"), "\(status.transcript)")
        #expect(status.stdout.contains("API: \(url)") && status.stdout.contains("Queue: 0 queued, 0 running"))
        let json = try await daemon.sandbox.run(["daemon", "status", "--json"], environment: daemon.environment)
        let report = try json.singleJSONObject()
        #expect(report["running"] == true && report["pid"] == .number(Double(pid)) && report["queued"] == 0)

        let stop = try await daemon.sandbox.run(["daemon", "stop"], environment: daemon.environment)
        #expect(stop.stdout == "Daemon stopped (PID \(pid))\n", "\(stop.transcript)")
        #expect(!FileManager.default.fileExists(atPath: daemon.dataDir + "/daemon.pid"))
        let after = try await daemon.sandbox.run(["daemon", "stop"], environment: daemon.environment)
        #expect(after.stdout == "Daemon is not running\n")
    }

    /// kill -9 while one task runs and two wait: after a restart every accepted task finishes, the
    /// interrupted one on its second attempt, none twice.
    @Test func aKilledDaemonsTasksAllFinishAfterARestart() async throws {
        let firstLife = LockedValue(true)
        let daemon = try DaemonSandbox { body in
            // While the first daemon lives, the slow task's model call never answers.
            if firstLife.value, body.contains("slow"), !ChatReplies.isJudgeRequest(body) { return .noResponse }
            return Self.answer(body)
        }
        defer { daemon.server.shutdown() }
        let (pid, url) = try await daemon.start()
        defer { kill(pid, SIGKILL) }
        let slow = try #require(
            try await daemon.send(
                "POST", url + "/api/v1/tasks",
                body: #"{"description": "What is slow France's capital?", "max_iterations": 1}"#)[
                    "task_id"]?.stringValue)
        _ = try #require(await daemon.server.http.waitForRequest(0), "the slow task's call is in flight")
        var waiting: [String] = []
        for n in 1...2 {
            let created = try await daemon.send(
                "POST", url + "/api/v1/tasks",
                body: #"{"description": "What is the capital of France? (\#(n))", "max_iterations": 1}"#)
            waiting.append(try #require(created["task_id"]?.stringValue))
        }
        let health = try await daemon.send("GET", url + "/api/v1/health")
        #expect(health["queue"]?["queued"] == 2 && health["queue"]?["running"] == 1, "\(health)")
        // A client follows the slow task's events, then loses the connection with the daemon.
        let before = try await Self.eventIDs(url, slow, upTo: 4)
        #expect(before == [1, 2, 3, 4], "\(before)")

        kill(pid, SIGKILL)
        await Self.waitForExit(lockFile: daemon.dataDir + "/daemon.lock")
        firstLife.withLock { $0 = false }
        let (restarted, newURL) = try await daemon.start()
        defer { kill(restarted, SIGKILL) }
        for id in [slow] + waiting {
            let task = try await daemon.waitUntilFinal(newURL, id)
            #expect(task["status"] == "succeeded" && task["output"] == "Paris", "\(id): \(task)")
            #expect(task["attempts"] == (id == slow ? 2 : 1), "\(task)")
        }
        let all = try await daemon.send("GET", newURL + "/api/v1/tasks")
        #expect(all["tasks"]?.arrayValue?.count == 3, "no task vanished or appeared twice")
        // It resumes after the last event it saw, from the new daemon: nothing lost or repeated.
        let events = try await CurlTransport().send(
            HTTPRequest(
                method: "GET", url: newURL + "/api/v1/tasks/\(slow)/events", headers: [("Last-Event-ID", "4")],
                timeout: 30))
        let log = String(decoding: try await events.collectBody(), as: UTF8.self)
        let resumed = Self.ids(in: log)
        #expect(resumed.first == 5 && resumed == Array(5..<(5 + resumed.count)), "contiguous after 4: \(resumed)")
        #expect(log.components(separatedBy: "event: finished").count == 2, "one final event: \(log)")
        #expect(log.contains("daemon restart or crash"), "the requeue says why: \(log)")
    }

    /// `daemon stop` while a task's model call hangs: the grace period passes, the task is cancelled
    /// and given back to the queue, the daemon exits; the next daemon runs it to the end.
    @Test func stopGivesARunningTaskBackAfterTheGracePeriod() async throws {
        let firstLife = LockedValue(true)
        let daemon = try DaemonSandbox(config: "shutdown_grace_seconds = 1\n") { body in
            if firstLife.value, !ChatReplies.isJudgeRequest(body) { return .noResponse }
            return Self.answer(body)
        }
        defer { daemon.server.shutdown() }
        let (pid, url) = try await daemon.start()
        defer { kill(pid, SIGKILL) }
        let created = try await daemon.send(
            "POST", url + "/api/v1/tasks",
            body: #"{"description": "What is the capital of France?", "max_iterations": 1}"#)
        let id = try #require(created["task_id"]?.stringValue)
        _ = try #require(await daemon.server.http.waitForRequest(0), "its model call is in flight")
        let stop = try await daemon.sandbox.run(["daemon", "stop"], environment: daemon.environment)
        #expect(stop.stdout == "Daemon stopped (PID \(pid))\n", "\(stop.transcript)")
        let log = try String(contentsOfFile: daemon.dataDir + "/logs/daemon.log", encoding: .utf8)
        #expect(log.contains("Daemon stopped"), "\(log)")
        firstLife.withLock { $0 = false }
        let (restarted, newURL) = try await daemon.start()
        defer { kill(restarted, SIGKILL) }
        let task = try await daemon.waitUntilFinal(newURL, id)
        #expect(task["status"] == "succeeded" && task["output"] == "Paris" && task["attempts"] == 2, "\(task)")
    }

    @Test func onInterruptInterruptReportsTheKilledTask() async throws {
        let daemon = try DaemonSandbox(config: "on_interrupt = \"interrupt\"\n") { body in
            body.contains("slow") && !ChatReplies.isJudgeRequest(body) ? .noResponse : Self.answer(body)
        }
        defer { daemon.server.shutdown() }
        let (pid, url) = try await daemon.start()
        defer { kill(pid, SIGKILL) }
        let created = try await daemon.send(
            "POST", url + "/api/v1/tasks", body: #"{"description": "a slow task", "max_iterations": 1}"#)
        let id = try #require(created["task_id"]?.stringValue)
        _ = try #require(await daemon.server.http.waitForRequest(0))
        kill(pid, SIGKILL)
        await Self.waitForExit(lockFile: daemon.dataDir + "/daemon.lock")
        let (restarted, newURL) = try await daemon.start()
        defer { kill(restarted, SIGKILL) }
        let task = try await daemon.waitUntilFinal(newURL, id)
        #expect(task["status"] == "interrupted" && task["attempts"] == 1, "\(task)")
        #expect(task["timestamps"]?["interrupted"] != nil)
    }
}
