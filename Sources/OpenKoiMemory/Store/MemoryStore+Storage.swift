import OpenKoiCore

extension MemoryStore {
    /// Bytes the database's pages hold (free pages, which SQLite reuses, not counted).
    public func usedBytes() throws(StoreError) -> Int {
        let db = try db()
        let pages = try db.scalarInt("PRAGMA page_count") ?? 0
        let free = try db.scalarInt("PRAGMA freelist_count") ?? 0
        let size = try db.scalarInt("PRAGMA page_size") ?? 4096
        return Int((pages - free) * size)
    }

    /// Keeps the database within `[memory] max_storage_mb` by dropping what recall needs least,
    /// oldest first: the full answers of old tasks (their first 400 characters stay for recall),
    /// then their iteration and finding rows, then usage events older than 90 days. Lessons, the
    /// task rows themselves and anything from the last day are kept.
    /// - Returns: how many tasks were trimmed (0 when the database was within its limit).
    @discardableResult
    public func enforceLimit(megabytes: Int) throws(StoreError) -> Int {
        guard megabytes > 0 else { return 0 }
        let limit = megabytes * 1_048_576
        guard try usedBytes() > limit else { return 0 }
        let db = try db()
        var trimmed = 0
        let cutoff = Timestamp.string(now().addingTimeInterval(-86_400))
        while try usedBytes() > limit {
            let batch = try db.prepare(
                """
                SELECT id FROM tasks WHERE coalesce(completed_at, created_at) < ?
                    AND (length(coalesce(output, '')) > 400
                        OR EXISTS (SELECT 1 FROM iteration_cycles c WHERE c.task_id = tasks.id))
                ORDER BY created_at LIMIT 50
                """
            ).rows([.text(cutoff)]) { $0.text(0) }
            guard !batch.isEmpty else { break }
            try db.transaction { () throws(StoreError) in
                let output = try db.prepare("UPDATE tasks SET output = substr(output, 1, 400) WHERE id = ?")
                let findings = try db.prepare(
                    "DELETE FROM findings WHERE cycle_id IN (SELECT id FROM iteration_cycles WHERE task_id = ?)")
                let cycles = try db.prepare("DELETE FROM iteration_cycles WHERE task_id = ?")
                for id in batch {
                    try output.run([.text(id)])
                    try findings.run([.text(id)])
                    try cycles.run([.text(id)])
                }
            }
            trimmed += batch.count
        }
        if try usedBytes() > limit {
            let old = Timestamp.string(now().addingTimeInterval(-90 * 86_400))
            try db.prepare("DELETE FROM usage_events WHERE timestamp < ?").run([.text(old)])
        }
        // Gives the freed pages back to the file system when the database allows it; pages left
        // half empty by the trimming are only packed again by a full VACUUM (rare: once over the limit).
        try db.execute("PRAGMA incremental_vacuum")
        if trimmed > 0, try usedBytes() > limit { try db.execute("VACUUM") }
        return trimmed
    }
}
