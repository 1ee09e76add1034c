import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOEmbedded
import OpenKoiCore
import OpenKoiServer
import Testing

/// The API's router driven in this process, without a socket: requests go straight to the
/// responder the daemon serves (middleware included), so each endpoint's status and JSON are
/// checked without a port or an HTTP client between.
struct InProcessAPITests {
    struct API {
        let responder: any HTTPResponder<BasicRequestContext>
        let channel = EmbeddedChannel()

        init(queue: TaskQueue, token: String? = nil) {
            responder = TaskAPI(queue: queue, configuration: APIConfiguration(version: "test", token: token))
                .router().buildResponder()
        }

        func send(
            _ method: HTTPRequest.Method, _ path: String, body: String? = nil, headers: HTTPFields = [:]
        ) async throws -> (status: Int, headers: HTTPFields, json: JSONValue?) {
            var fields = headers
            if body != nil { fields[.contentType] = "application/json" }
            let request = Request(
                head: HTTPRequest(
                    method: method, scheme: "http", authority: "127.0.0.1", path: path, headerFields: fields),
                body: RequestBody(buffer: ByteBuffer(string: body ?? "")))
            let context = BasicRequestContext(source: .init(channel: channel, logger: Logger(label: "test")))
            let response = try await responder.respond(to: request, context: context)
            let collected = Collected()
            try await response.body.write(CollectingWriter(into: collected))
            return (response.status.code, response.headers, JSONValue.parse(collected.text))
        }
    }

    final class Collected: @unchecked Sendable {
        var buffer = ByteBuffer()
        var text: String { String(buffer: buffer) }
    }

    struct CollectingWriter: ResponseBodyWriter {
        let into: Collected
        mutating func write(_ buffer: ByteBuffer) async throws {
            var copy = buffer
            into.buffer.writeBuffer(&copy)
        }
        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }

    @Test func everyEndpointAnswersWithItsShape() async throws {
        let scratch = try ServerScratch()
        let api = API(queue: TaskQueue(store: scratch.store))
        let created = try await api.send(
            .post, "/api/v1/tasks", body: #"{"description": "What is the capital of France?", "budget_usd": 0.5}"#)
        #expect(created.status == 201 || created.status == 202, "\(created)")
        let id = try #require(created.json?["task_id"]?.stringValue)
        let shown = try await api.send(.get, "/api/v1/tasks/\(id)")
        #expect(shown.status == 200 && shown.json?["status"] == "queued", "\(shown)")
        #expect(shown.json?["description"] == "What is the capital of France?")
        let listed = try await api.send(.get, "/api/v1/tasks?status=queued")
        #expect(listed.json?["tasks"]?.arrayValue?.map { $0["task_id"] } == [.string(id)], "\(listed)")
        let health = try await api.send(.get, "/api/v1/health")
        #expect(health.status == 200 && health.json?["queue"]?["queued"] == 1, "\(health)")
        let cost = try await api.send(.get, "/api/v1/cost")
        #expect(cost.json?["reserved_usd"] == 0.5, "the queued task's budget is reserved: \(cost)")
        let status = try await api.send(.get, "/api/v1/status")
        #expect(status.status == 200 && status.json != nil, "\(status)")
        let cancelled = try await api.send(.post, "/api/v1/tasks/\(id)/cancel")
        #expect(cancelled.json?["status"] == "cancelled", "\(cancelled)")
        let again = try await api.send(.post, "/api/v1/tasks/\(id)/cancel")
        #expect(again.status == 200 && again.json?["status"] == "cancelled", "cancel is idempotent")
        let openAPI = try await api.send(.get, "/api/v1/openapi.json")
        #expect(openAPI.json?["openapi"]?.stringValue?.hasPrefix("3.1") == true)
    }

    @Test func badRequestsAndAuthAreRefusedWithTheErrorShape() async throws {
        let scratch = try ServerScratch()
        let api = API(queue: TaskQueue(store: scratch.store), token: "s3cret")
        let open = try await api.send(.get, "/api/v1/health")
        #expect(open.status == 200, "health needs no token")
        let refused = try await api.send(.get, "/api/v1/tasks")
        #expect(refused.status == 401 && refused.json?["error"]?["code"] != nil, "\(refused)")
        let auth: HTTPFields = [.authorization: "Bearer s3cret"]
        let unknown = try await api.send(
            .post, "/api/v1/tasks", body: #"{"description": "x", "colour": "blue"}"#, headers: auth)
        #expect(unknown.status == 422 || unknown.status == 400, "\(unknown)")
        #expect(unknown.json?["error"]?["field"] == "colour", "\(unknown)")
        let malformed = try await api.send(.post, "/api/v1/tasks", body: "{", headers: auth)
        #expect(malformed.status == 400, "\(malformed)")
        let missing = try await api.send(.get, "/api/v1/tasks/no-such-task", headers: auth)
        #expect(missing.status == 404 && missing.json?["error"]?["code"] != nil, "\(missing)")
        let wrongMethod = try await api.send(.delete, "/api/v1/tasks", headers: auth)
        #expect(wrongMethod.status == 405 && wrongMethod.headers[.allow]?.contains("POST") == true, "\(wrongMethod)")
        #expect(try await TaskQueue(store: scratch.store).health().queued == 0, "nothing bad was queued")
    }
}
