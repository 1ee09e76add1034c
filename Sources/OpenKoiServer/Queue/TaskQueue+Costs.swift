import OpenKoiCore
import OpenKoiMemory

extension TaskQueue {
    /// Tasks that finished since `since` and what they cost.
    public func spend(since: Int64) throws -> (tasks: Int, costUSD: Double) { try Self.spent(db(), since: since) }

    /// `GET /api/v1/cost`: USD per model and per UTC day and model, the last 24 hours, and what
    /// queued and running tasks have reserved (their budgets) beside what the running ones spent.
    public func costReport() throws -> JSONValue {
        let db = try db()
        let time = now()
        let byModel = try db.rows(
            """
            SELECT coalesce(model, 'unknown'), count(*), coalesce(sum(cost_usd), 0),
                   coalesce(sum(input_tokens + output_tokens), 0)
            FROM queue_tasks WHERE finished_ms IS NOT NULL GROUP BY 1 ORDER BY 3 DESC
            """
        ) { row -> JSONValue in
            [
                "model": .string(row.text(0)), "tasks": .number(Double(row.int(1))), "cost_usd": .number(row.double(2)),
                "tokens": .number(Double(row.int(3))),
            ]
        }
        let byDay = try db.rows(
            """
            SELECT \(db.dialect.day("finished_ms")), coalesce(model, 'unknown'), count(*),
                   coalesce(sum(cost_usd), 0)
            FROM queue_tasks WHERE finished_ms IS NOT NULL GROUP BY 1, 2 ORDER BY 1 DESC, 4 DESC LIMIT 400
            """
        ) { row -> JSONValue in
            [
                "day": .string(row.text(0)), "model": .string(row.text(1)), "tasks": .number(Double(row.int(2))),
                "cost_usd": .number(row.double(3)),
            ]
        }
        let last24h = try Self.spent(db, since: time - 86_400_000)
        let running = try db.rows(
            """
            SELECT id, status, cost_usd, reserved_usd FROM queue_tasks
            WHERE status IN ('running', 'cancelling') ORDER BY running_ms
            """
        ) { row -> JSONValue in
            [
                "task_id": .string(row.text(0)), "status": .string(row.text(1)), "cost_usd": .number(row.double(2)),
                "reserved_usd": .number(row.double(3)),
            ]
        }
        let reserved = try Self.reserved(db)
        var report: [String: JSONValue] = [
            "by_model": .array(byModel), "by_day": .array(byDay),
            "last_24h": ["tasks": .number(Double(last24h.tasks)), "cost_usd": .number(last24h.costUSD)],
            "running": .array(running), "reserved_usd": .number(reserved),
        ]
        report["daily_budget_usd"] = limits.dailyBudgetUSD.map(JSONValue.number) ?? .null
        return .object(report)
    }
}
