import FoundationEssentials
import OpenKoiCore

/// A task as the queue holds it: its request, where it is, and what it has produced and spent.
public struct QueuedTask: Sendable, Hashable {
    public var id: String
    public var request: TaskRequest
    public var status: QueueStatus
    /// Claims so far (a requeued task runs again with its count kept).
    public var attempts: Int
    /// Unix milliseconds when the task entered each status it has been in.
    public var queuedMS: Int64
    public var runningMS: Int64?
    public var cancellingMS: Int64?
    public var finishedMS: Int64?
    public var output: String?
    public var score: Double?
    public var iterations: Int
    public var inputTokens: Int
    public var outputTokens: Int
    public var costUSD: Double
    public var model: String?
    public var decision: String?
    public var error: String?
    /// One entry per finished iteration: `{iteration, score, decision, cost_usd}`.
    public var iterationScores: [JSONValue]
    /// The USD the task may still spend (its budget) while it is queued or running.
    public var reservedUSD: Double

    /// The REST shape (`GET /api/v1/tasks/{id}`); `output` only once the task is final.
    public var json: JSONValue {
        var timestamps: [String: JSONValue] = ["queued": .string(Self.time(queuedMS))]
        if let runningMS { timestamps["running"] = .string(Self.time(runningMS)) }
        if let cancellingMS { timestamps["cancelling"] = .string(Self.time(cancellingMS)) }
        if let finishedMS, status.isFinal { timestamps[status.rawValue] = .string(Self.time(finishedMS)) }
        var object: [String: JSONValue] = [
            "task_id": .string(id), "description": .string(request.description), "status": .string(status.rawValue),
            "request": request.json, "attempts": .number(Double(attempts)), "timestamps": .object(timestamps),
            "iterations": .number(Double(iterations)), "iteration_scores": .array(iterationScores),
            "tokens": [
                "input": .number(Double(inputTokens)), "output": .number(Double(outputTokens)),
                "total": .number(Double(inputTokens + outputTokens)),
            ],
            "cost_usd": .number(costUSD),
        ]
        object["output"] = status.isFinal ? (output.map(JSONValue.string) ?? .null) : .null
        object["score"] = score.map(JSONValue.number) ?? .null
        object["model"] = model.map(JSONValue.string) ?? .null
        object["decision"] = decision.map(JSONValue.string) ?? .null
        object["error"] = error.map(JSONValue.string) ?? .null
        return .object(object)
    }

    /// RFC 3339 UTC with milliseconds.
    public static func time(_ milliseconds: Int64) -> String {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            .formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}

/// A worker's hold on a task: valid while the lease lasts and the fence is the task's latest.
public struct Claim: Sendable, Hashable {
    public var task: QueuedTask
    public var owner: String
    /// Grows with every claim of the task; a write with an older fence is refused.
    public var fence: Int64
}

/// How `enqueue` ended.
public enum EnqueueOutcome: Sendable, Hashable {
    case created(QueuedTask)
    /// The same idempotency key and body as an earlier request: its task.
    case replayed(QueuedTask)
}

/// What `GET /api/v1/health` and `daemon status` report about the queue.
public struct QueueHealth: Sendable, Hashable {
    public var queued: Int
    public var running: Int
    public var oldestQueuedMS: Int64?
    public var activeLeases: Int
}
