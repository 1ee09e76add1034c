/// One step of the schema, applied once in its own transaction and recorded in `_migrations`.
struct Migration: Sendable {
    var version: Int
    var name: String
    var sql: String

    /// Every migration, in order. v1 and v2 are the original tool's schema (reference §7.2), so its
    /// databases open here and are upgraded in place; later versions are ours.
    static let all: [Migration] = [
        Migration(version: 1, name: "initial_schema", sql: initialSchema),
        Migration(version: 2, name: "vector_search", sql: vectorSearch),
        Migration(version: 3, name: "recorded_runs", sql: recordedRuns),
        Migration(version: 4, name: "hybrid_recall", sql: hybridRecall),
        Migration(version: 5, name: "pattern_mining", sql: patternMining),
        Migration(version: 6, name: "phase_costs", sql: phaseCosts),
        Migration(version: 7, name: "task_queue", sql: taskQueue),
        Migration(version: 8, name: "bench_runs", sql: benchRuns),
    ]

    static var latest: Int { all.last?.version ?? 0 }

    static let initialSchema = """
        CREATE TABLE sessions (
            id TEXT PRIMARY KEY, channel TEXT, model_provider TEXT, model_id TEXT,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
            total_tokens INTEGER DEFAULT 0, total_cost_usd REAL DEFAULT 0, transcript_path TEXT);
        CREATE TABLE tasks (
            id TEXT PRIMARY KEY, description TEXT NOT NULL, category TEXT,
            session_id TEXT REFERENCES sessions(id), final_score REAL, iterations INTEGER, decision TEXT,
            total_tokens INTEGER, total_cost_usd REAL, created_at TEXT NOT NULL, completed_at TEXT);
        CREATE TABLE iteration_cycles (
            id TEXT PRIMARY KEY, task_id TEXT NOT NULL REFERENCES tasks(id), iteration INTEGER NOT NULL,
            score REAL, decision TEXT NOT NULL, input_tokens INTEGER, output_tokens INTEGER, duration_ms INTEGER,
            created_at TEXT DEFAULT (datetime('now')), UNIQUE(task_id, iteration));
        CREATE TABLE findings (
            id TEXT PRIMARY KEY, cycle_id TEXT REFERENCES iteration_cycles(id), severity TEXT NOT NULL,
            dimension TEXT NOT NULL, title TEXT NOT NULL, description TEXT, location TEXT, fix TEXT,
            resolved_in TEXT REFERENCES iteration_cycles(id));
        CREATE TABLE learnings (
            id TEXT PRIMARY KEY, type TEXT NOT NULL, content TEXT NOT NULL, category TEXT,
            confidence REAL NOT NULL, source_task TEXT REFERENCES tasks(id), reinforced INTEGER DEFAULT 0,
            created_at TEXT DEFAULT (datetime('now')), last_used TEXT, expires_at TEXT);
        CREATE TABLE skill_effectiveness (
            skill_name TEXT NOT NULL, task_category TEXT NOT NULL, avg_score REAL, sample_count INTEGER,
            last_used TEXT, PRIMARY KEY (skill_name, task_category));
        CREATE TABLE memory_chunks (id TEXT PRIMARY KEY, source TEXT, text TEXT, created_at TEXT);
        CREATE TABLE usage_events (
            id TEXT PRIMARY KEY, event_type TEXT NOT NULL, channel TEXT, description TEXT, category TEXT,
            skills_used TEXT, score REAL, timestamp TEXT NOT NULL, day TEXT NOT NULL, hour INTEGER,
            day_of_week INTEGER);
        CREATE TABLE usage_patterns (
            id TEXT PRIMARY KEY, pattern_type TEXT NOT NULL, description TEXT NOT NULL, frequency TEXT,
            trigger_json TEXT, confidence REAL NOT NULL, sample_count INTEGER NOT NULL, first_seen TEXT,
            last_seen TEXT, proposed_skill TEXT, status TEXT DEFAULT 'detected');
        CREATE INDEX idx_usage_events_day ON usage_events(day);
        CREATE INDEX idx_learnings_type ON learnings(type);
        CREATE INDEX idx_tasks_category ON tasks(category);
        CREATE INDEX idx_tasks_session ON tasks(session_id);
        CREATE INDEX idx_cycles_task ON iteration_cycles(task_id);
        CREATE INDEX idx_findings_cycle ON findings(cycle_id);
        """

    static let vectorSearch = """
        CREATE TABLE memory_embeddings (
            chunk_id TEXT PRIMARY KEY REFERENCES memory_chunks(id) ON DELETE CASCADE,
            embedding BLOB NOT NULL, dimensions INTEGER DEFAULT 1536,
            model TEXT DEFAULT 'text-embedding-3-small', created_at TEXT DEFAULT (datetime('now')));
        CREATE INDEX idx_embeddings_model ON memory_embeddings(model);
        """

    /// What a run leaves behind beyond the original's columns: the model and status of a task,
    /// its answer, cost and time per iteration, and the finding identity used to tell resolved ones.
    static let recordedRuns = """
        ALTER TABLE tasks ADD COLUMN model TEXT;
        ALTER TABLE tasks ADD COLUMN status TEXT;
        ALTER TABLE tasks ADD COLUMN channel TEXT;
        ALTER TABLE tasks ADD COLUMN output TEXT;
        ALTER TABLE tasks ADD COLUMN error TEXT;
        ALTER TABLE tasks ADD COLUMN best_iteration INTEGER;
        ALTER TABLE tasks ADD COLUMN duration_ms INTEGER;
        ALTER TABLE tasks ADD COLUMN input_tokens INTEGER;
        ALTER TABLE tasks ADD COLUMN output_tokens INTEGER;
        ALTER TABLE iteration_cycles ADD COLUMN cost_usd REAL;
        ALTER TABLE iteration_cycles ADD COLUMN model TEXT;
        CREATE INDEX idx_tasks_created ON tasks(created_at);
        CREATE INDEX idx_findings_resolved ON findings(resolved_in);
        """

    /// Recall over one corpus: every learning and finished task is a chunk (`kind`, `ref_id` say
    /// which), searchable by words (FTS5, BM25) and by meaning (memory_embeddings).
    static let hybridRecall = """
        ALTER TABLE memory_chunks ADD COLUMN kind TEXT;
        ALTER TABLE memory_chunks ADD COLUMN ref_id TEXT;
        CREATE INDEX idx_chunks_ref ON memory_chunks(kind, ref_id);
        CREATE VIRTUAL TABLE memory_fts USING fts5(
            chunk_id UNINDEXED, text, tokenize = "unicode61 remove_diacritics 2 tokenchars '_'");
        INSERT INTO memory_fts(chunk_id, text) SELECT id, coalesce(text, '') FROM memory_chunks;
        CREATE TRIGGER memory_chunks_fts_insert AFTER INSERT ON memory_chunks BEGIN
            INSERT INTO memory_fts(chunk_id, text) VALUES (new.id, coalesce(new.text, ''));
        END;
        CREATE TRIGGER memory_chunks_fts_delete AFTER DELETE ON memory_chunks BEGIN
            DELETE FROM memory_fts WHERE chunk_id = old.id;
        END;
        CREATE TRIGGER memory_chunks_fts_update AFTER UPDATE OF text ON memory_chunks BEGIN
            UPDATE memory_fts SET text = coalesce(new.text, '') WHERE chunk_id = old.id;
        END;
        CREATE TRIGGER learnings_chunk_delete AFTER DELETE ON learnings BEGIN
            DELETE FROM memory_chunks WHERE kind = 'learning' AND ref_id = old.id;
        END;
        INSERT OR IGNORE INTO memory_chunks(id, source, text, created_at, kind, ref_id)
            SELECT 'learning:' || id, 'learning', content, created_at, 'learning', id FROM learnings;
        INSERT OR IGNORE INTO memory_chunks(id, source, text, created_at, kind, ref_id)
            SELECT 'task:' || id, 'task', description, created_at, 'task', id FROM tasks;
        """

    /// Mining upserts a pattern by (type, description), so that pair becomes unique. The original's
    /// `persist_patterns` inserted blindly (it never ran in production, but a database from its tests
    /// may hold duplicates): of each duplicate set the row a user reviewed (status other than
    /// `detected`) is kept, else the oldest. `memory_meta` holds `last_mined_at`, so the interval is
    /// kept across processes; the timestamp index serves the miner's lookback window.
    static let patternMining = """
        CREATE TABLE memory_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        DELETE FROM usage_patterns WHERE rowid NOT IN (
            SELECT (SELECT q.rowid FROM usage_patterns q
                    WHERE q.pattern_type = p.pattern_type AND q.description = p.description
                    ORDER BY coalesce(q.status, 'detected') = 'detected', q.rowid LIMIT 1)
            FROM usage_patterns p GROUP BY p.pattern_type, p.description);
        CREATE UNIQUE INDEX idx_usage_patterns_key ON usage_patterns(pattern_type, description);
        CREATE INDEX idx_usage_patterns_skill ON usage_patterns(proposed_skill);
        CREATE INDEX idx_usage_events_timestamp ON usage_events(timestamp);
        """

    /// What each phase of a task spent, for `status --costs`.
    static let phaseCosts = """
        ALTER TABLE tasks ADD COLUMN plan_cost_usd REAL;
        ALTER TABLE tasks ADD COLUMN execute_cost_usd REAL;
        ALTER TABLE tasks ADD COLUMN evaluate_cost_usd REAL;
        """

    /// The daemon's durable queue (times are Unix milliseconds). A claim is a lease: `lease_owner`
    /// holds it until `lease_expires_ms`, and `fence` grows with every claim, so a worker whose lease
    /// expired cannot write over a newer claim's result. Events are each task's durable log, numbered
    /// from 1 (the SSE `id:`); idempotency keys map a client's key to the task it created; the
    /// webhook outbox keeps a delivery until it succeeds or runs out of attempts.
    /// `openkoi bench`: one row per run (suite and settings) and per finished trial, the trial's
    /// whole record as JSON beside the columns reports filter on.
    static let benchRuns = """
        CREATE TABLE bench_runs (
            id TEXT PRIMARY KEY,
            run_key TEXT NOT NULL UNIQUE,
            name TEXT,
            suite TEXT NOT NULL,
            settings TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            updated_ms INTEGER NOT NULL,
            finished_ms INTEGER);
        CREATE TABLE bench_trials (
            run_id TEXT NOT NULL REFERENCES bench_runs(id) ON DELETE CASCADE,
            task TEXT NOT NULL,
            model TEXT NOT NULL,
            iterations INTEGER NOT NULL,
            trial INTEGER NOT NULL,
            passed INTEGER NOT NULL,
            cost_usd REAL,
            latency_ms INTEGER NOT NULL,
            record TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            PRIMARY KEY (run_id, task, model, iterations, trial));
        """

    static let taskQueue = """
        CREATE TABLE queue_tasks (
            id TEXT PRIMARY KEY,
            description TEXT NOT NULL,
            request TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            fence INTEGER NOT NULL DEFAULT 0,
            lease_owner TEXT,
            lease_expires_ms INTEGER,
            reserved_usd REAL NOT NULL DEFAULT 0,
            queued_ms INTEGER NOT NULL,
            running_ms INTEGER,
            cancelling_ms INTEGER,
            finished_ms INTEGER,
            output TEXT,
            score REAL,
            iterations INTEGER NOT NULL DEFAULT 0,
            input_tokens INTEGER NOT NULL DEFAULT 0,
            output_tokens INTEGER NOT NULL DEFAULT 0,
            cost_usd REAL NOT NULL DEFAULT 0,
            model TEXT,
            decision TEXT,
            error TEXT,
            iteration_scores TEXT NOT NULL DEFAULT '[]'
        );
        CREATE INDEX idx_queue_tasks_status ON queue_tasks(status, queued_ms);
        CREATE TABLE queue_events (
            task_id TEXT NOT NULL REFERENCES queue_tasks(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            kind TEXT NOT NULL,
            data TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            PRIMARY KEY (task_id, seq)
        ) WITHOUT ROWID;
        CREATE TABLE queue_idempotency (
            key TEXT PRIMARY KEY,
            body_hash TEXT NOT NULL,
            task_id TEXT NOT NULL,
            created_ms INTEGER NOT NULL
        );
        CREATE INDEX idx_queue_idempotency_created ON queue_idempotency(created_ms);
        CREATE TABLE webhook_outbox (
            id TEXT PRIMARY KEY,
            event TEXT NOT NULL,
            url TEXT NOT NULL,
            body TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_ms INTEGER NOT NULL,
            delivered_ms INTEGER,
            failed_ms INTEGER,
            last_error TEXT,
            created_ms INTEGER NOT NULL
        );
        CREATE INDEX idx_webhook_outbox_due ON webhook_outbox(delivered_ms, failed_ms, next_attempt_ms);
        """
}
