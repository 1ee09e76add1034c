import FoundationEssentials
import OpenKoiCore

extension MemoryStore {
    static let lastMinedKey = "last_mined_at"

    /// Stores what a mining run found: a pattern already known by (type, description) gets the new
    /// numbers and evidence and keeps its status and proposal (a dismissed one stays dismissed).
    /// Returns the stored rows, in the order given.
    func savePatterns(_ found: [DetectedPattern]) throws(StoreError) -> [UsagePattern] {
        let db = try db()
        return try db.transaction { () throws(StoreError) -> [UsagePattern] in
            let upsert = try db.prepare(
                """
                INSERT INTO usage_patterns(id, pattern_type, description, frequency, trigger_json, confidence,
                    sample_count, first_seen, last_seen, proposed_skill, status)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 'detected')
                ON CONFLICT(pattern_type, description) DO UPDATE SET
                    frequency = excluded.frequency, trigger_json = excluded.trigger_json,
                    confidence = excluded.confidence, sample_count = excluded.sample_count,
                    first_seen = CASE WHEN first_seen IS NULL OR excluded.first_seen < first_seen
                        THEN excluded.first_seen ELSE first_seen END,
                    last_seen = CASE WHEN last_seen IS NULL OR excluded.last_seen > last_seen
                        THEN excluded.last_seen ELSE last_seen END
                """)
            let select = try db.prepare("\(Self.patternColumns) WHERE pattern_type = ? AND description = ?")
            var stored: [UsagePattern] = []
            for pattern in found {
                try upsert.run([
                    .text(UUID().uuidString.lowercased()), .text(pattern.type.rawValue), .text(pattern.description),
                    .text(pattern.frequency), .text(pattern.evidence.jsonString), .real(pattern.confidence),
                    .int(Int64(pattern.sampleCount)), .text(Timestamp.string(pattern.firstSeen)),
                    .text(Timestamp.string(pattern.lastSeen)),
                ])
                stored += try select.rows([.text(pattern.type.rawValue), .text(pattern.description)], Self.readPattern)
                    .compactMap { $0 }
            }
            return stored
        }
    }

    /// Stored patterns, most confident first; dismissed ones only when asked for. Rows with a type
    /// or status this build does not know are left out.
    public func patterns(includingDismissed: Bool = false) throws(StoreError) -> [UsagePattern] {
        let db = try db()
        let filter = includingDismissed ? "" : " WHERE coalesce(status, 'detected') != 'dismissed'"
        return try db.prepare(
            "\(Self.patternColumns)\(filter) ORDER BY confidence DESC, sample_count DESC, description"
        ).rows([], Self.readPattern).compactMap { $0 }
    }

    /// The pattern a proposed skill folder came from.
    public func pattern(proposing skill: String) throws(StoreError) -> UsagePattern? {
        let db = try db()
        return try db.prepare("\(Self.patternColumns) WHERE proposed_skill = ? ORDER BY rowid LIMIT 1")
            .rows([.text(skill)], Self.readPattern).compactMap { $0 }.first
    }

    /// Records that `skill` (a folder under `skills/proposed/`) was written for the pattern.
    public func markProposed(patternID: String, skill: String) throws(StoreError) {
        let db = try db()
        try db.prepare("UPDATE usage_patterns SET status = 'proposed', proposed_skill = ? WHERE id = ?")
            .run([.text(skill), .text(patternID)])
    }

    /// Sets the status of the patterns whose proposal is `skill` (approve, dismiss); returns how many.
    @discardableResult
    public func setStatus(_ status: PatternStatus, forPatternsProposing skill: String) throws(StoreError) -> Int {
        let db = try db()
        try db.prepare("UPDATE usage_patterns SET status = ? WHERE proposed_skill = ?")
            .run([.text(status.rawValue), .text(skill)])
        return db.changes
    }

    /// When patterns were last mined (any process), if ever.
    public func lastMinedAt() throws(StoreError) -> Date? {
        let db = try db()
        let statement = try db.prepare("SELECT value FROM memory_meta WHERE key = ?")
        return try statement.rows([.text(Self.lastMinedKey)]) { $0.text(0) }.first.flatMap(Timestamp.date)
    }

    /// Takes the mining turn when `interval` has passed since the last run: checked and recorded in
    /// one write transaction, so two processes finishing tasks at once do not both mine. A last run
    /// in the future (the clock was set back) counts as due.
    func claimMining(at now: Date, interval: TimeInterval) throws(StoreError) -> Bool {
        let db = try db()
        return try db.transaction { () throws(StoreError) -> Bool in
            let last = try db.prepare("SELECT value FROM memory_meta WHERE key = ?")
                .rows([.text(Self.lastMinedKey)]) { $0.text(0) }.first.flatMap(Timestamp.date)
            if let last {
                let elapsed = now.timeIntervalSince(last)
                guard elapsed < 0 || elapsed >= interval else { return false }
            }
            try Self.setMeta(db, Self.lastMinedKey, Timestamp.string(now))
            return true
        }
    }

    func recordMining(at now: Date) throws(StoreError) {
        try Self.setMeta(db(), Self.lastMinedKey, Timestamp.string(now))
    }

    static func setMeta(_ db: SQLiteConnection, _ key: String, _ value: String) throws(StoreError) {
        try db.prepare(
            "INSERT INTO memory_meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value"
        ).run([.text(key), .text(value)])
    }

    static let patternColumns = """
        SELECT id, pattern_type, description, coalesce(frequency, ''), trigger_json, confidence, sample_count,
            first_seen, last_seen, proposed_skill, coalesce(status, 'detected') FROM usage_patterns
        """

    static func readPattern(_ row: Statement) -> UsagePattern? {
        guard let type = PatternType(rawValue: row.text(1)), let status = PatternStatus(rawValue: row.text(10))
        else { return nil }
        return UsagePattern(
            id: row.text(0), type: type, description: row.text(2), frequency: row.text(3),
            confidence: row.double(5), sampleCount: Int(row.int(6)), firstSeen: row.optionalText(7),
            lastSeen: row.optionalText(8), evidence: row.optionalText(4).flatMap(JSONValue.parse) ?? .null,
            proposedSkill: row.optionalText(9), status: status)
    }
}
