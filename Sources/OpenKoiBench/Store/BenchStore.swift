import FoundationEssentials
import OpenKoiCore
import OpenKoiMemory

/// Bench runs and their trials in the memory database (`<data>/openkoi.db`). A trial is committed
/// before the next is counted, so a run killed at any point resumes from what is stored.
public actor BenchStore {
    public nonisolated let path: String
    private var connection: SQLiteConnection?

    public init(path: String) { self.path = path }

    func db() throws(StoreError) -> SQLiteConnection {
        if let connection { return connection }
        let opened = try MemoryStore.open(path: path, migrate: true)
        connection = opened
        return opened
    }

    /// The run with this key (same suite and settings), created when there is none.
    public func openRun(key: String, suite: String, settings: BenchSettings, now: Int64) throws -> BenchRun {
        let db = try db()
        if let existing = try Self.run(db, where: "run_key = ?", [.text(key)]) { return existing }
        var hash = StableHash()
        hash.add(key)
        let id = String(hash.hex.prefix(12))
        let settingsJSON = String(decoding: try JSONEncoder.sorted.encode(settings), as: UTF8.self)
        try db.cached(
            """
            INSERT INTO bench_runs(id, run_key, name, suite, settings, created_ms, updated_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """
        ).run([
            .text(id), .text(key), settings.name.map { .text($0) } ?? .null, .text(suite), .text(settingsJSON),
            .int(now), .int(now),
        ])
        return BenchRun(id: id, suite: suite, settings: settings, createdMS: now, updatedMS: now, finishedMS: nil)
    }

    /// Stores a finished trial; one already stored for the same key is kept (never duplicated).
    public func record(_ trial: TrialRecord, run: String, now: Int64) throws {
        let db = try db()
        let json = String(decoding: try JSONEncoder.sorted.encode(trial), as: UTF8.self)
        try db.transaction { () throws(StoreError) in
            try db.cached(
                """
                INSERT OR IGNORE INTO bench_trials(run_id, task, model, iterations, trial, passed, cost_usd,
                    latency_ms, record, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
            ).run([
                .text(run), .text(trial.key.task), .text(trial.key.model), .int(Int64(trial.key.iterations)),
                .int(Int64(trial.key.trial)), .int(trial.passed ? 1 : 0), trial.costUSD.map { .real($0) } ?? .null,
                .int(Int64(trial.latencyMS)), .text(json), .int(now),
            ])
            try db.cached("UPDATE bench_runs SET updated_ms = ? WHERE id = ?").run([.int(now), .text(run)])
        }
    }

    public func trials(run: String) throws -> [TrialRecord] {
        let decoder = JSONDecoder()
        let texts = try db().cached("SELECT record FROM bench_trials WHERE run_id = ? ORDER BY rowid").rows(
            [.text(run)]
        ) { $0.text(0) }
        return try texts.map { try decoder.decode(TrialRecord.self, from: Data($0.utf8)) }.sorted { $0.key < $1.key }
    }

    public func trialCount(run: String) throws -> Int {
        Int(try db().scalarInt("SELECT count(*) FROM bench_trials WHERE run_id = ?", [.text(run)]) ?? 0)
    }

    public func markFinished(run: String, now: Int64) throws {
        try db().cached("UPDATE bench_runs SET finished_ms = ?, updated_ms = ? WHERE id = ?").run([
            .int(now), .int(now), .text(run),
        ])
    }

    /// Every stored run, newest first.
    public func runs() throws -> [BenchRun] {
        let db = try db()
        return try db.cached("SELECT \(Self.columns) FROM bench_runs ORDER BY created_ms DESC, id").rows([]) {
            (statement: Statement) throws(StoreError) -> BenchRun? in Self.read(statement)
        }.compactMap { $0 }
    }

    /// The run with this id, else the newest with this `--name`, else the newest whose id starts with it.
    public func run(id: String) throws -> BenchRun? {
        let db = try db()
        if let exact = try Self.run(db, where: "id = ?", [.text(id)]) { return exact }
        if let named = try Self.run(db, where: "name = ?", [.text(id)]) { return named }
        let prefix = id.filter { $0.isHexDigit }
        guard prefix.count == id.count, !prefix.isEmpty else { return nil }
        return try Self.run(db, where: "id LIKE ? || '%'", [.text(prefix)])
    }

    static let columns = "id, suite, settings, created_ms, updated_ms, finished_ms"

    static func run(_ db: SQLiteConnection, where condition: String, _ values: [SQLValue]) throws(StoreError)
        -> BenchRun?
    {
        try db.cached("SELECT \(columns) FROM bench_runs WHERE \(condition) ORDER BY created_ms DESC LIMIT 1").rows(
            values
        ) { (statement: Statement) throws(StoreError) -> BenchRun? in read(statement) }.first ?? nil
    }

    static func read(_ row: Statement) -> BenchRun? {
        guard let settings = try? JSONDecoder().decode(BenchSettings.self, from: Data(row.text(2).utf8)) else {
            return nil
        }
        return BenchRun(
            id: row.text(0), suite: row.text(1), settings: settings, createdMS: row.int(3), updatedMS: row.int(4),
            finishedMS: row.optionalInt(5))
    }
}

/// A stored bench run: what was asked, and when.
public struct BenchRun: Sendable, Hashable {
    public var id: String
    public var suite: String
    public var settings: BenchSettings
    public var createdMS: Int64
    public var updatedMS: Int64
    public var finishedMS: Int64?
}

extension JSONEncoder {
    /// Keys sorted, so a stored record's bytes do not depend on dictionary order.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
