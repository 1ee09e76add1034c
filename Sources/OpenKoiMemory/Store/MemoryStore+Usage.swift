import FoundationEssentials
import OpenKoiCore

/// What a `usage_events` row records (reference §8.2). Tasks are recorded with the run; the CLI
/// records the commands it runs and the skills a task used, so reports see more than tasks.
public enum UsageEventType: String, Sendable, Hashable, CaseIterable {
    case task
    case command
    case skillUse = "skill_use"
    case integration
}

/// One `usage_events` row as the miner reads it.
struct UsageEvent: Sendable, Hashable {
    var id: String
    var type: String
    var description: String
    var category: String?
    var timestamp: Date
    var day: String
    var hour: Int
    var weekday: Int
}

extension MemoryStore {
    /// Records one usage event at the store's clock (`command` for a CLI command, `skill_use` for a
    /// skill a task used); the task events are written by `record(_:session:vectors:)`.
    /// - Parameters:
    ///   - channel: `cli`, `batch`, `daemon`, `chat`.
    ///   - description: the command line or task text (the first 500 characters are kept).
    ///   - skillsUsed: stored as a JSON array.
    public func recordUsage(
        eventType: UsageEventType, channel: String?, description: String?, category: String? = nil,
        skillsUsed: [String] = [], score: Double? = nil
    ) throws(StoreError) {
        let db = try db()
        try Self.insertUsageEvent(
            db, type: eventType, channel: channel, description: description, category: category,
            skillsUsed: skillsUsed, score: score, at: now())
    }

    /// The one writer of `usage_events`: the day, hour and weekday are UTC, as in the original.
    static func insertUsageEvent(
        _ db: SQLiteConnection, type: UsageEventType, channel: String?, description: String?, category: String?,
        skillsUsed: [String], score: Double?, at stamp: Date
    ) throws(StoreError) {
        let fields = Timestamp.fields(stamp)
        let skills = JSONValue.array(skillsUsed.map(JSONValue.string)).jsonString
        try db.prepare(
            """
            INSERT INTO usage_events(id, event_type, channel, description, category, skills_used, score, timestamp,
                day, hour, day_of_week)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        ).run([
            .text(UUID().uuidString.lowercased()), .text(type.rawValue), .optional(channel),
            .optional(description.map { String($0.prefix(500)) }), .optional(category), .text(skills),
            .optional(score), .text(Timestamp.string(stamp)), .text(fields.day), .int(Int64(fields.hour)),
            .int(Int64(fields.weekday)),
        ])
    }

    /// Events of `types` at or after `since`, oldest first. Rows whose timestamp cannot be read are
    /// skipped (they cannot be placed in time); a missing hour or weekday is computed from it.
    func usageEvents(since: Date, types: Set<UsageEventType>) throws(StoreError) -> [UsageEvent] {
        let db = try db()
        let wanted = types.map(\.rawValue).sorted()
        let marks = Array(repeating: "?", count: wanted.count).joined(separator: ", ")
        let statement = try db.prepare(
            """
            SELECT id, event_type, coalesce(description, ''), category, timestamp, hour, day_of_week
            FROM usage_events WHERE timestamp >= ? AND event_type IN (\(marks)) ORDER BY timestamp, rowid
            """)
        // The lookback is compared as text: RFC 3339 UTC strings sort in time order.
        let rows = try statement.rows([.text(Timestamp.string(since))] + wanted.map(SQLValue.text)) { row in
            (
                row.text(0), row.text(1), row.text(2), row.optionalText(3), row.text(4), row.optionalInt(5),
                row.optionalInt(6)
            )
        }
        return rows.compactMap { id, type, description, category, stamp, hour, weekday -> UsageEvent? in
            guard let date = Self.eventDate(stamp) else { return nil }
            let fields = Timestamp.fields(date)
            let category = category?.trimmed
            return UsageEvent(
                id: id, type: type, description: description, category: category?.isEmpty == false ? category : nil,
                timestamp: date, day: fields.day, hour: hour.map(Int.init) ?? fields.hour,
                weekday: weekday.map(Int.init) ?? fields.weekday)
        }
    }

    /// Ours are whole seconds; the original's chrono timestamps may carry fractions and `+00:00`.
    static func eventDate(_ text: String) -> Date? {
        Timestamp.date(text) ?? (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
    }
}
