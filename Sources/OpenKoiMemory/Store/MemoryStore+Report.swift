import FoundationEssentials
import OpenKoiCore

/// What `openkoi status` shows of the database.
public struct MemorySummary: Sendable, Hashable {
    public var tasks = 0
    /// Tasks that met their bar or delivered their best (not stopped or failed).
    public var completed = 0
    public var learnings = 0
    public var sessions = 0
    public var averageScore: Double?
    public var averageIterations: Double?
    public var embeddings: [String: Int] = [:]
    public var schemaVersion = 0
}

/// One line of `status --costs`.
public struct CostLine: Sendable, Hashable {
    public var key: String
    public var tasks: Int
    public var inputTokens: Int
    public var outputTokens: Int
    public var costUSD: Double
}

/// A row to export: column names in table order with their values.
public struct ExportRow: Sendable, Hashable {
    public var columns: [(name: String, value: JSONValue)]

    public static func == (a: ExportRow, b: ExportRow) -> Bool {
        a.columns.map(\.name) == b.columns.map(\.name) && a.columns.map(\.value) == b.columns.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        for column in columns {
            hasher.combine(column.name)
            hasher.combine(column.value)
        }
    }
}

extension MemoryStore {
    public func summary() throws(StoreError) -> MemorySummary {
        let db = try db()
        var summary = MemorySummary()
        // One pass over the tasks for all four numbers (three queries read the table twice: ~4 ms of
        // `status` at 10,000 tasks).
        let tasks = try db.prepare(
            """
            SELECT count(*),
                   count(*) FILTER (WHERE status IN ('accepted', 'accepted_best')
                                       OR (status IS NULL AND completed_at IS NOT NULL)),
                   avg(final_score), avg(iterations) FILTER (WHERE final_score IS NOT NULL)
            FROM tasks
            """
        ).rows { (Int($0.int(0)), Int($0.int(1)), $0.optionalDouble(2), $0.optionalDouble(3)) }.first
        summary.tasks = tasks?.0 ?? 0
        summary.completed = tasks?.1 ?? 0
        summary.averageScore = tasks?.2
        summary.averageIterations = tasks?.3
        summary.learnings = Int(try db.scalarInt("SELECT count(*) FROM learnings") ?? 0)
        summary.sessions = Int(try db.scalarInt("SELECT count(*) FROM sessions") ?? 0)
        let vectors = try db.prepare("SELECT model, count(*) FROM memory_embeddings GROUP BY model").rows { row in
            (row.text(0), Int(row.int(1)))
        }
        for (model, count) in vectors { summary.embeddings[model] = count }
        summary.schemaVersion = Int(try db.scalarInt("SELECT coalesce(max(version), 0) FROM _migrations") ?? 0)
        return summary
    }

    /// Spend grouped by `model`, `day` (UTC, from the task's completion) or `phase` (plan, execute,
    /// evaluate; lines with no spend are left out).
    public func costs(by grouping: String) throws(StoreError) -> [CostLine] {
        let db = try db()
        let sql: String
        switch grouping {
        case "model":
            sql = """
                SELECT coalesce(model, '(unknown)'), count(*), coalesce(sum(input_tokens), 0),
                    coalesce(sum(output_tokens), 0),
                    coalesce(sum(total_cost_usd), 0) FROM tasks GROUP BY 1 ORDER BY 5 DESC, 1
                """
        case "day":
            sql = """
                SELECT substr(coalesce(completed_at, created_at), 1, 10), count(*), coalesce(sum(input_tokens), 0),
                    coalesce(sum(output_tokens), 0), coalesce(sum(total_cost_usd), 0)
                FROM tasks GROUP BY 1 ORDER BY 1 DESC
                """
        default:
            // Tasks recorded before v6 have no split: their spend shows as "unsplit".
            sql = """
                SELECT 'plan', count(*), 0, 0, coalesce(sum(plan_cost_usd), 0) FROM tasks WHERE plan_cost_usd > 0
                UNION ALL
                SELECT 'execute', count(*), 0, 0, coalesce(sum(execute_cost_usd), 0) FROM tasks
                    WHERE execute_cost_usd > 0
                UNION ALL
                SELECT 'evaluate', count(*), 0, 0, coalesce(sum(evaluate_cost_usd), 0) FROM tasks
                    WHERE evaluate_cost_usd > 0
                UNION ALL
                SELECT 'unsplit (recorded before v6)', count(*), 0, 0, coalesce(sum(total_cost_usd), 0) FROM tasks
                    WHERE plan_cost_usd IS NULL AND total_cost_usd > 0
                """
        }
        let lines = try db.prepare(sql).rows { row -> CostLine in
            CostLine(
                key: row.text(0), tasks: Int(row.int(1)), inputTokens: Int(row.int(2)), outputTokens: Int(row.int(3)),
                costUSD: max(0, row.double(4)))
        }
        return lines.filter { $0.tasks > 0 }
    }

    /// Every row of an exportable table, oldest first; blobs are left out (vectors are not portable data).
    public func export(_ table: ExportTable) throws(StoreError) -> [ExportRow] {
        let statement = try db().prepare("SELECT * FROM \(table.rawValue) ORDER BY \(table.order)")
        return try statement.rows { row in
            var columns: [(name: String, value: JSONValue)] = []
            for index in 0..<row.columnCount {
                let value: JSONValue
                switch row.value(index) {
                case .null: value = .null
                case .int(let v): value = .number(Double(v))
                case .real(let v): value = .number(v)
                case .text(let v): value = .string(v)
                case .blob: continue
                }
                columns.append((row.columnName(index), value))
            }
            return ExportRow(columns: columns)
        }
    }
}

/// The tables `openkoi export` writes.
public enum ExportTable: String, Sendable, CaseIterable {
    case learnings
    case sessions
    case patterns = "usage_patterns"
    case tasks

    var order: String {
        switch self {
        case .learnings: return "created_at, id"
        case .sessions: return "created_at, id"
        case .patterns: return "first_seen, id"
        case .tasks: return "created_at, id"
        }
    }

    /// The name users type (`patterns`, not the table's `usage_patterns`).
    public var target: String { self == .patterns ? "patterns" : rawValue }
}

extension MemoryStore {
    /// `skill_effectiveness` as skill → category → (average final score, tasks).
    public func skillEffectiveness() throws(StoreError) -> [String: [String: (avgScore: Double, samples: Int)]] {
        let rows = try db().prepare(
            "SELECT skill_name, task_category, coalesce(avg_score, 0), coalesce(sample_count, 0) "
                + "FROM skill_effectiveness"
        ).rows { ($0.text(0), $0.text(1), $0.double(2), Int($0.int(3))) }
        var out: [String: [String: (avgScore: Double, samples: Int)]] = [:]
        for (skill, category, average, samples) in rows { out[skill, default: [:]][category] = (average, samples) }
        return out
    }
}
