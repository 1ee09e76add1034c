import HTTPTypes
import Hummingbird
import NIOCore
import OpenKoiCore

extension TaskAPI {
    /// `GET /api/v1/tasks/{id}/events`: the task's durable event log as Server-Sent Events. `id:` is
    /// the event's sequence number; `Last-Event-ID` or `?starting_after=N` resumes after it (across
    /// daemon restarts: the log is in the database). The stream ends after the `finished` event.
    func events(_ request: Request, id: String) async throws -> Response {
        guard try await queue.task(id: id) != nil else { throw APIError.notFound(task: id) }
        // Both are checked when both are sent; the header (a browser's reconnect) wins.
        var start: Int64 = 0
        if let text = request.uri.queryParameters["starting_after"].map(String.init) {
            start = try Self.sequenceNumber(text, field: "starting_after")
        }
        if let text = request.headers[.lastEventID] {
            start = try Self.sequenceNumber(text, field: "Last-Event-ID")
        }
        let queue = self.queue
        let first = start
        let keepAlive = Int64(configuration.keepAliveSeconds * 1000)
        let body = ResponseBody { writer in
            var last = first
            while !Task.isCancelled {
                let seen = queue.signal.generation(id)
                let events = try await queue.events(taskID: id, after: last)
                for event in events {
                    try await writer.write(ByteBuffer(string: Self.frame(event, taskID: id)))
                    last = event.seq
                    if event.data["final"]?.boolValue == true {
                        try await writer.finish(nil)
                        return
                    }
                }
                if !events.isEmpty { continue }
                // Resumed after the final event, or the task ended without one: nothing more will come.
                if let task = try await queue.task(id: id), task.status.isFinal {
                    try await writer.finish(nil)
                    return
                }
                await queue.signal.wait(id, since: seen, timeoutMS: keepAlive)
                if queue.signal.generation(id) == seen {
                    // Quiet: a comment keeps proxies from closing the stream and tells us if the client left.
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                }
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/event-stream", .cacheControl: "no-cache",
                .accelBuffering: "no",
            ],
            body: body)
    }

    /// A resume position: digits only; one past any real sequence number reads as "after the end".
    static func sequenceNumber(_ text: String, field: String) throws(APIError) -> Int64 {
        let digits = text.trimmed
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw APIError(
                .unprocessable, code: "invalid_value", message: "\(field) must be an event sequence number (digits)",
                field: field)
        }
        return Int64(digits) ?? .max
    }

    static func frame(_ event: QueueEvent, taskID: String) -> String {
        var data = event.data.objectValue ?? [:]
        data["seq"] = .number(Double(event.seq))
        data["type"] = .string(event.kind)
        data["task_id"] = .string(taskID)
        data["created_at"] = .string(QueuedTask.time(event.createdMS))
        return "id: \(event.seq)\nevent: \(event.kind)\ndata: \(JSONValue.object(data).jsonString)\n\n"
    }
}
