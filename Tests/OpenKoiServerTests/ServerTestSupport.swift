import Foundation
import OpenKoiCore
import OpenKoiProviders
@testable import OpenKoiServer
import OpenKoiTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Where a test's queue lives: the data dir's SQLite file, or a fresh database on the PostgreSQL
/// server `scripts/test.sh` starts (`OPENKOI_TEST_POSTGRES_URL`).
enum QueueBackend: String, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    static let postgresServer = ProcessInfo.processInfo.environment["OPENKOI_TEST_POSTGRES_URL"]
    /// Both when the test script started PostgreSQL (it always does in CI).
    static let available: [QueueBackend] = postgresServer == nil ? [.sqlite] : [.sqlite, .postgres]

    var testDescription: String { rawValue }
}

/// A scratch directory, and the queue's store: its SQLite path, or a new PostgreSQL database
/// (dropped with the scratch).
final class ServerScratch: Sendable {
    let directory: ScratchDirectory
    let store: TaskQueue.Store
    private let database: String?

    init(_ backend: QueueBackend = .sqlite) throws {
        directory = try ScratchDirectory(prefix: "openkoi-server-test")
        switch backend {
        case .sqlite:
            database = nil
            store = .sqlite(path: directory.path + "/openkoi.db")
        case .postgres:
            let server = try #require(QueueBackend.postgresServer)
            let name = "openkoi_test_" + TaskSpec.newID().filter { $0.isLetter || $0.isNumber }.lowercased()
            try PostgresConnection(url: server).execute("CREATE DATABASE \(name)")
            database = name
            store = .postgres(url: Self.url(server, database: name))
        }
    }

    deinit {
        if let database, let server = QueueBackend.postgresServer {
            try? PostgresConnection(url: server).execute("DROP DATABASE IF EXISTS \(database) WITH (FORCE)")
        }
    }

    var path: String { directory.path }
    var dbPath: String { path + "/openkoi.db" }

    /// `server` with its database name replaced.
    static func url(_ server: String, database: String) -> String {
        let base = server.split(separator: "?", maxSplits: 1).first.map(String.init) ?? server
        guard let slash = base.lastIndex(of: "/") else { return server }
        return base[...slash] + database
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A clock tests move by hand (lease expiry without waiting).
final class ManualClock: Sendable {
    private let value = LockedValue<Int64>(1_800_000_000_000)
    var now: Int64 { value.value }
    func advance(milliseconds: Int64) { value.withLock { $0 += milliseconds } }
    var function: @Sendable () -> Int64 { { [self] in self.now } }
}

/// A daemon in this process on port 0: scripted executor and judge models behind the real queue,
/// API, workers and webhook sender.
final class DaemonHarness: Sendable {
    let scratch: ServerScratch
    let queue: TaskQueue
    let port: Int
    let runTask: Task<Void, any Error>
    let runner: PipelineRunner

    /// - Parameters:
    ///   - executor: answers each execution request (may sleep; must honour cancellation).
    ///   - judge: the verdict JSON for each answer.
    static func start(
        token: String? = nil, limits: QueueLimits = QueueLimits(), workers: Int = 2,
        webhooks: WebhooksConfig = WebhooksConfig(), maxBodyBytes: Int = 1 << 20, pricing: ModelPricing = .free,
        executor: @escaping @Sendable (ChatRequest, Int) async throws -> ScriptedReply = { _, _ in .text("Paris") },
        judge: @escaping @Sendable (ChatRequest, Int) async throws -> ScriptedReply = { _, _ in
            .verdict(["relevance": 0.95, "quality": 0.95, "completeness": 0.95])
        }
    ) async throws -> DaemonHarness {
        let scratch = try ServerScratch()
        let queue = TaskQueue(path: scratch.dbPath, limits: limits)
        let planner = ScriptedModel(replies: [.text(#"{"steps": ["do it"], "acceptance_criteria": ["done"]}"#)])
        let roles = TaskRoles(
            planner: ModelBinding(provider: planner, model: "p", pricing: .free),
            executor: ModelBinding(provider: ScriptedModel(handler: executor), model: "x", pricing: pricing),
            evaluator: ModelBinding(provider: ScriptedModel(handler: judge), model: "j", pricing: pricing))
        let bus = EventBus()
        let pipeline = Pipeline(
            configuration: PipelineConfiguration(planners: 1, executors: workers, evaluators: workers, maxInFlight: 8),
            services: PipelineServices(router: FixedModelRouter(roles), tools: EmptyToolBox(), events: bus))
        let runner = PipelineRunner(pipeline: pipeline, bus: bus, policy: TaskPolicy(maxIterations: 2))
        let runtime = DaemonRuntime(
            queue: queue, runner: runner,
            api: APIConfiguration(version: "test", token: token, maxBodyBytes: maxBodyBytes, keepAliveSeconds: 0.2),
            bind: "127.0.0.1", port: 0,
            workers: QueueWorkers.Settings(workers: workers, leaseMS: 2_000, pollMS: 200, graceSeconds: 1),
            webhooks: webhooks, owner: "test")
        let (ports, announce) = AsyncStream<Int>.makeStream()
        let runTask = Task {
            try await runtime.run(signals: []) { port in announce.yield(port) }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw HarnessError("the daemon never listened") }
        return DaemonHarness(scratch: scratch, queue: queue, port: port, runTask: runTask, runner: runner)
    }

    private init(
        scratch: ServerScratch, queue: TaskQueue, port: Int, runTask: Task<Void, any Error>,
        runner: PipelineRunner
    ) {
        self.scratch = scratch
        self.queue = queue
        self.port = port
        self.runTask = runTask
        self.runner = runner
    }

    func stop() async {
        runTask.cancel()
        _ = await runTask.result
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Sends a request; returns status, lowercased headers and the body as JSON (nil when not JSON).
    func send(
        _ method: String, _ path: String, body: String? = nil, headers: [(name: String, value: String)] = []
    ) async throws -> (status: Int, headers: [String: String], json: JSONValue?, text: String) {
        var all = headers
        if body != nil, !headers.contains(where: { $0.name.lowercased() == "content-type" }) {
            all.append(("Content-Type", "application/json"))
        }
        let response = try await CurlTransport().send(
            HTTPRequest(
                method: method, url: baseURL + path, headers: all, body: body.map { Data($0.utf8) }, timeout: 30))
        let data = try await response.collectBody()
        let text = String(decoding: data, as: UTF8.self)
        return (response.head.status, response.head.headers, JSONValue.parse(data), text)
    }

    /// Creates a task; returns its id.
    func submit(_ body: String, headers: [(name: String, value: String)] = []) async throws -> String {
        let response = try await send("POST", "/api/v1/tasks", body: body, headers: headers)
        guard response.status == 201, let id = response.json?["task_id"]?.stringValue else {
            throw HarnessError("POST /api/v1/tasks: \(response.status) \(response.text)")
        }
        return id
    }

    /// Reads the task's SSE stream to its end, `stopAfter` events, or the first event `until` accepts.
    func events(
        of id: String, after: Int? = nil, stopAfter: Int? = nil,
        until stop: (_ kind: String, _ data: JSONValue) -> Bool = { _, _ in false }
    ) async throws -> [(seq: Int, kind: String, data: JSONValue)] {
        let headers: [(name: String, value: String)] = after.map { [("Last-Event-ID", String($0))] } ?? []
        let response = try await CurlTransport().send(
            HTTPRequest(method: "GET", url: baseURL + "/api/v1/tasks/\(id)/events", headers: headers, timeout: 60))
        guard response.head.status == 200 else { throw HarnessError("events: HTTP \(response.head.status)") }
        var events: [(Int, String, JSONValue)] = []
        var buffer = ""
        for try await chunk in response.body {
            buffer += String(decoding: chunk, as: UTF8.self)
            while let end = buffer.range(of: "\n\n") {
                let frame = String(buffer[..<end.lowerBound])
                buffer = String(buffer[end.upperBound...])
                var seq: Int?
                var kind = ""
                var data: JSONValue = .null
                for line in frame.split(separator: "\n") {
                    if line.hasPrefix("id: ") { seq = Int(line.dropFirst(4)) }
                    if line.hasPrefix("event: ") { kind = String(line.dropFirst(7)) }
                    if line.hasPrefix("data: ") { data = JSONValue.parse(String(line.dropFirst(6))) ?? .null }
                }
                guard let seq else { continue }
                events.append((seq, kind, data))
                if let stopAfter, events.count >= stopAfter { return events.map { ($0.0, $0.1, $0.2) } }
                if stop(kind, data) { return events.map { ($0.0, $0.1, $0.2) } }
            }
        }
        return events.map { ($0.0, $0.1, $0.2) }
    }

    /// Waits for the task's final event, then returns the task.
    func waitUntilFinal(_ id: String) async throws -> JSONValue {
        _ = try await events(of: id)
        let response = try await send("GET", "/api/v1/tasks/\(id)")
        guard let json = response.json else { throw HarnessError("GET task: \(response.text)") }
        return json
    }
}

/// A bare TCP client, for requests a real HTTP client will not send (a body that arrives later).
final class RawHTTPClient {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw HarnessError("connect to 127.0.0.1:\(port) failed") }
    }

    deinit { close(fd) }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard FileDescriptorIO.writeAll(fd, bytes) else { throw HarnessError("send failed") }
    }

    /// Reads until the end of the response head, on a thread of its own: a blocking read on the
    /// cooperative pool would starve the server this test talks to.
    func receiveHead() async -> String {
        let fd = self.fd
        return await withCheckedContinuation { continuation in
            let started = DetachedThread.start {
                var received: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 4096)
                while !String(decoding: received, as: UTF8.self).contains("\r\n\r\n") {
                    let count = read(fd, &buffer, buffer.count)
                    guard count > 0 else { break }
                    received += buffer[0..<count]
                }
                continuation.resume(returning: String(decoding: received, as: UTF8.self))
            }
            if !started { continuation.resume(returning: "") }
        }
    }
}
