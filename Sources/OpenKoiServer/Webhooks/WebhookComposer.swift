import FoundationEssentials
import OpenKoiCore

/// Turns task outcomes into webhook deliveries for the configured URLs (`[api.webhooks]`): the
/// reference's payload `{event, timestamp, data}` plus `task_id`, `status`, `score` and `cost_usd`.
public struct WebhookComposer: Sendable {
    public var onTaskComplete: String?
    public var onTaskFailed: String?
    public var onBudgetWarning: String?
    let now: @Sendable () -> Date

    public init(
        onTaskComplete: String? = nil, onTaskFailed: String? = nil, onBudgetWarning: String? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.onTaskComplete = onTaskComplete
        self.onTaskFailed = onTaskFailed
        self.onBudgetWarning = onBudgetWarning
        self.now = now
    }

    public init(_ config: WebhooksConfig) {
        self.init(
            onTaskComplete: config.onTaskComplete, onTaskFailed: config.onTaskFailed,
            onBudgetWarning: config.onBudgetWarning)
    }

    /// `task.complete` for a task that succeeded, `task.failed` for any other end.
    public func deliveries(for result: TaskResult) -> [WebhookDelivery] {
        let status = TaskQueue.status(for: result)
        var data: [String: JSONValue] = [
            "task_id": .string(result.taskID), "description": .string(result.description),
            "status": .string(status.rawValue), "iterations": .number(Double(result.iterations)),
            "cost_usd": .number(result.costUSD), "total_tokens": .number(Double(result.usage.total)),
        ]
        data["score"] = result.score.map(JSONValue.number) ?? .null
        if status == .succeeded {
            data["final_score"] = data["score"]
            return delivery("task.complete", to: onTaskComplete, data: data)
        }
        data["error"] = .string(result.error ?? result.decision.rawValue)
        return delivery("task.failed", to: onTaskFailed, data: data)
    }

    /// `budget.warning` at 80% of a task's USD budget.
    public func budgetWarning(task: QueuedTask, spent: Double, limit: Double) -> [WebhookDelivery] {
        budgetWarning(
            taskID: task.id, description: task.request.description, status: task.status, spent: spent, limit: limit)
    }

    public func budgetWarning(
        taskID: String?, description: String?, status: QueueStatus?, spent: Double, limit: Double
    ) -> [WebhookDelivery] {
        var data = Self.budgetData(spent: spent, limit: limit)
        data["task_id"] = taskID.map(JSONValue.string) ?? .null
        data["description"] = description.map(JSONValue.string) ?? .null
        data["status"] = status.map { .string($0.rawValue) } ?? .null
        return delivery("budget.warning", to: onBudgetWarning, data: data)
    }

    /// `budget.warning` when daemon tasks have spent 80% of `[daemon] daily_budget_usd` in 24 hours:
    /// one per UTC day (its id is the day's, and the outbox keeps an id once).
    public func dailyBudgetWarning(spent: Double, limit: Double, day: String) -> [WebhookDelivery] {
        var data = Self.budgetData(spent: spent, limit: limit)
        data.merge(["scope": "daily", "day": .string(day), "task_id": .null, "status": .null]) { $1 }
        return delivery("budget.warning", to: onBudgetWarning, data: data).map {
            var delivery = $0
            delivery.id = "msg_daily_budget_" + day.filter { $0 != "-" }
            return delivery
        }
    }

    /// The reference's `budget.warning` fields, with `cost_usd` and `score` as every payload has them.
    static func budgetData(spent: Double, limit: Double) -> [String: JSONValue] {
        [
            "current_cost": .number(spent), "budget_limit": .number(limit),
            "percentage_used": .number(limit > 0 ? (spent / limit * 100).rounded() : 0), "cost_usd": .number(spent),
            "score": .null,
        ]
    }

    func delivery(_ event: String, to url: String?, data: [String: JSONValue]) -> [WebhookDelivery] {
        guard let url, !url.isEmpty else { return [] }
        let payload: JSONValue = [
            "event": .string(event), "timestamp": .string(now().ISO8601Format()), "data": .object(data),
        ]
        return [
            WebhookDelivery(
                id: "msg_" + String(TaskSpec.newID().filter { $0 != "-" }), event: event, url: url,
                body: payload.jsonString)
        ]
    }
}
