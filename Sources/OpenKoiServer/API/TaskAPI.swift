import HTTPTypes
import Hummingbird
import NIOCore
import OpenKoiCore

/// The REST API over the queue (`/api/v1`): the reference's endpoints, doing what they say.
public struct TaskAPI: Sendable {
    let queue: TaskQueue
    let configuration: APIConfiguration

    public init(queue: TaskQueue, configuration: APIConfiguration) {
        self.queue = queue
        self.configuration = configuration
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: APIMiddleware(configuration: configuration))
        let api = self
        router.get("/api/v1/health") { _, _ in try await api.health() }
        router.get("/api/v1/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        router.post("/api/v1/tasks") { request, _ in try await api.create(request) }
        router.get("/api/v1/tasks") { request, _ in try await api.list(request) }
        router.get("/api/v1/tasks/:id") { _, context in try await api.show(context.parameters.require("id")) }
        router.post("/api/v1/tasks/:id/cancel") { _, context in try await api.cancel(context.parameters.require("id")) }
        router.get("/api/v1/tasks/:id/events") { request, context in
            try await api.events(request, id: context.parameters.require("id"))
        }
        router.get("/api/v1/status") { _, _ in try await api.status() }
        router.get("/api/v1/cost") { _, _ in try await api.cost() }
        return router
    }

    /// Every route and its methods: a known path asked with another method gets 405 and `Allow`.
    static let routes: [(path: [Substring], methods: [String])] = [
        ("/api/v1/health", ["GET"]), ("/api/v1/openapi.json", ["GET"]), ("/api/v1/tasks", ["GET", "POST"]),
        ("/api/v1/tasks/{id}", ["GET"]), ("/api/v1/tasks/{id}/cancel", ["POST"]),
        ("/api/v1/tasks/{id}/events", ["GET"]), ("/api/v1/status", ["GET"]), ("/api/v1/cost", ["GET"]),
    ].map { ($0.0.split(separator: "/"), $0.1) }

    /// The methods `path` answers to; nil when no route has that path.
    static func allowedMethods(for path: String) -> [String]? {
        let parts = path.split(separator: "/")
        return routes.first { route in
            route.path.count == parts.count
                && zip(route.path, parts).allSatisfy { pattern, part in pattern.hasPrefix("{") || pattern == part }
        }?.methods
    }

    func health() async throws -> Response {
        let health = try await queue.health()
        return JSONResponse.make([
            "status": "ok", "version": .string(configuration.version), "queue": await healthJSON(health),
        ])
    }

    func healthJSON(_ health: QueueHealth) async -> JSONValue {
        let now = await queue.currentTime
        return [
            "queued": .number(Double(health.queued)), "running": .number(Double(health.running)),
            "oldest_queued_age_seconds": health.oldestQueuedMS.map { .number(Double(max(0, now - $0)) / 1000) }
                ?? .null,
            "active_leases": .number(Double(health.activeLeases)),
        ]
    }

    /// 201 once the task is committed; 200 with the same task for a replayed idempotency key.
    func create(_ request: Request) async throws -> Response {
        // The body must be JSON whatever its Content-Type says (`curl -d` sends a form type).
        let key = request.headers[.idempotencyKey].map(\.trimmed)
        if let key {
            guard !key.isEmpty, key.utf8.count <= 255 else {
                throw APIError(
                    .badRequest, code: "invalid_idempotency_key", message: "Idempotency-Key must be 1 to 255 characters"
                )
            }
            try await queue.reserve(key: key)
        }
        do {
            let body = try await collect(request)
            let parsed = try TaskRequest.parse(body)
            let outcome = try await queue.enqueue(parsed, idempotencyKey: key)
            if let key { await queue.release(key: key) }
            switch outcome {
            case .created(let task):
                var json = task.json
                if case .object(var object) = json {
                    object["message"] = JSONValue.string("Task queued: \(task.request.description)")
                    json = .object(object)
                }
                var response = JSONResponse.make(json, status: 201)
                response.headers[.location] = "/api/v1/tasks/\(task.id)"
                return response
            case .replayed(let task):
                var response = JSONResponse.make(task.json, status: 200)
                response.headers[.idempotentReplayed] = "true"
                return response
            }
        } catch {
            if let key { await queue.release(key: key) }
            throw error
        }
    }

    func collect(_ request: Request) async throws -> [UInt8] {
        do {
            let buffer = try await request.body.collect(upTo: configuration.maxBodyBytes)
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw APIError(
                .payloadTooLarge, code: "payload_too_large",
                message: "the request body is larger than \(configuration.maxBodyBytes) bytes")
        }
    }

    func list(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        var status: QueueStatus?
        if let text = query["status"] {
            guard let value = QueueStatus(rawValue: String(text)) else {
                throw APIError(
                    .unprocessable, code: "invalid_value",
                    message: "status must be one of \(QueueStatus.allCases.map(\.rawValue).joined(separator: ", "))",
                    field: "status")
            }
            status = value
        }
        var limit = 50
        if let text = query["limit"] {
            guard let value = Int(String(text)), (1...500).contains(value) else {
                throw APIError(
                    .unprocessable, code: "invalid_value", message: "limit must be from 1 to 500", field: "limit")
            }
            limit = value
        }
        let cursor = query["after"].map(String.init)
        let page = try await queue.list(status: status, limit: limit, after: cursor)
        return JSONResponse.make([
            "tasks": .array(page.tasks.map(\.json)), "next": page.next.map(JSONValue.string) ?? .null,
        ])
    }

    func show(_ id: String) async throws -> Response {
        guard let task = try await queue.task(id: id) else { throw APIError.notFound(task: id) }
        return JSONResponse.make(task.json)
    }

    /// Idempotent: a final task comes back as it is.
    func cancel(_ id: String) async throws -> Response {
        guard let task = try await queue.requestCancel(id: id) else { throw APIError.notFound(task: id) }
        return JSONResponse.make(task.json)
    }

    func status() async throws -> Response {
        let health = try await queue.health()
        let running = try await queue.list(status: .running, limit: 50, after: nil).tasks
        let now = await queue.currentTime
        let today = try await queue.spend(since: now - now % 86_400_000)
        return JSONResponse.make([
            "version": .string(configuration.version), "daemon_running": true,
            "pid": .number(Double(configuration.processID)),
            "uptime_seconds": .number(Double(max(0, now - configuration.startedMS)) / 1000),
            "active_tasks": .array(running.map(\.json)), "queue": await healthJSON(health),
            "tasks_completed_today": .number(Double(today.tasks)), "total_cost_today": .number(today.costUSD),
        ])
    }

    func cost() async throws -> Response {
        try await JSONResponse.make(queue.costReport())
    }
}
