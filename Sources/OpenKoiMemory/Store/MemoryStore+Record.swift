import FoundationEssentials
import OpenKoiCore

/// The session a task ran in (one CLI invocation, batch file or daemon).
public struct SessionInfo: Sendable, Hashable {
    public var id: String
    /// `cli`, `batch`, `daemon`.
    public var channel: String

    public init(id: String = UUID().uuidString.lowercased(), channel: String) {
        self.id = id
        self.channel = channel
    }
}

/// Vectors computed before the write transaction (embedding is slow; a transaction must not wait on it).
public struct OutcomeVectors: Sendable {
    public var model: String
    public var task: [Float]?
    /// One per lesson of the outcome, in order.
    public var lessons: [[Float]]

    public init(model: String, task: [Float]?, lessons: [[Float]]) {
        self.model = model
        self.task = task
        self.lessons = lessons
    }
}

extension MemoryStore {
    /// Near-copies are reinforced instead of added: cosine at or above this with the same embedder.
    static let duplicateCosine: Float = 0.9
    /// …or, without vectors, word overlap (Jaccard) above this (the original's rule).
    static let duplicateJaccard = 0.8
    /// Lessons whose decayed confidence falls below this are forgotten.
    static let forgetBelow = 0.1

    /// Records a finished task — its row, one row per iteration, findings (with the iteration that
    /// resolved each), a usage event, skill effectiveness — and stores its lessons, all in one transaction.
    public func record(_ outcome: TaskOutcome, session: SessionInfo, vectors: OutcomeVectors?) throws(StoreError)
        -> LearningReport
    {
        let db = try db()
        let stamp = now()
        let nowText = Timestamp.string(stamp)
        let report = try db.transaction { () throws(StoreError) -> LearningReport in
            try recordSession(db, session, outcome: outcome, at: nowText)
            try recordTask(db, outcome, session: session, at: stamp)
            try recordIterations(db, outcome)
            try recordUsage(db, outcome, channel: session.channel, at: stamp)
            try recordSkills(db, outcome, at: nowText)
            try forgetFaded(db)
            var report = LearningReport()
            if outcome.result.status == .accepted {
                // The task met its bar with these lessons in its prompt: they helped.
                for recalled in outcome.recollection.lessons {
                    if try reinforce(db, id: recalled.id, by: 0.05, at: nowText) {
                        report.reinforced.append(recalled.id)
                    }
                }
            }
            try storeLessons(db, outcome, vectors: vectors, at: nowText, report: &report)
            let chunk = try addChunk(
                db, kind: "task", ref: outcome.spec.id, text: outcome.spec.description, at: nowText)
            if let vectors, let vector = vectors.task {
                try saveEmbedding(db, chunk: chunk, vector: vector, model: vectors.model)
            }
            return report
        }
        return report
    }

    private func recordSession(_ db: SQLiteConnection, _ session: SessionInfo, outcome: TaskOutcome, at now: String)
        throws(StoreError)
    {
        let (provider, model) = Self.split(outcome.executorModel)
        try db.prepare(
            """
            INSERT INTO sessions(id, channel, model_provider, model_id, created_at, updated_at, total_tokens, total_cost_usd)
            VALUES (?, ?, ?, ?, ?, ?, 0, 0) ON CONFLICT(id) DO NOTHING
            """
        ).run([.text(session.id), .text(session.channel), .text(provider), .text(model), .text(now), .text(now)])
        try db.prepare(
            """
            UPDATE sessions SET updated_at = ?, total_tokens = total_tokens + ?, total_cost_usd = total_cost_usd + ?
            WHERE id = ?
            """
        ).run([
            .text(now), .int(Int64(outcome.result.usage.total)), .real(outcome.result.costUSD), .text(session.id),
        ])
    }

    private func recordTask(_ db: SQLiteConnection, _ outcome: TaskOutcome, session: SessionInfo, at stamp: Date)
        throws(StoreError)
    {
        let result = outcome.result
        let started = stamp.addingTimeInterval(-Double(result.durationMS) / 1000)
        try db.prepare(
            """
            INSERT OR REPLACE INTO tasks(id, description, category, session_id, final_score, iterations, decision,
                total_tokens, total_cost_usd, created_at, completed_at, model, status, channel, output, error,
                best_iteration, duration_ms, input_tokens, output_tokens, plan_cost_usd, execute_cost_usd,
                evaluate_cost_usd)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        ).run([
            .text(outcome.spec.id), .text(outcome.spec.description), .optional(outcome.recollection.category),
            .text(session.id), .optional(result.score), .int(Int64(result.iterations)), .text(result.decision.rawValue),
            .int(Int64(result.usage.total)), .real(result.costUSD), .text(Timestamp.string(started)),
            .text(Timestamp.string(stamp)), .text(outcome.executorModel), .text(result.status.rawValue),
            .text(session.channel), .text(String(result.output.prefix(20_000))), .optional(result.error),
            .optional(result.bestIteration), .int(Int64(result.durationMS)), .int(Int64(result.usage.inputTokens)),
            .int(Int64(result.usage.outputTokens)), .real(result.costByPhase["plan"] ?? 0),
            .real(result.costByPhase["execute"] ?? 0), .real(result.costByPhase["evaluate"] ?? 0),
        ])
    }

    /// One row per iteration; each finding is marked resolved by the first later evaluated
    /// iteration that no longer raised it.
    private func recordIterations(_ db: SQLiteConnection, _ outcome: TaskOutcome) throws(StoreError) {
        let cycle = try db.prepare(
            """
            INSERT OR REPLACE INTO iteration_cycles(id, task_id, iteration, score, decision, input_tokens,
                output_tokens, duration_ms, cost_usd, model, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let finding = try db.prepare(
            """
            INSERT INTO findings(id, cycle_id, severity, dimension, title, description, location, fix, resolved_in)
            VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)
            """)
        let taskID = outcome.spec.id
        func cycleID(_ number: Int) -> String { "\(taskID)#\(number)" }
        let evaluated = outcome.iterations.filter { $0.verdict != nil }
        // Every cycle first: a finding's `resolved_in` refers to a later one.
        for record in outcome.iterations {
            try cycle.run([
                .text(cycleID(record.number)), .text(taskID), .int(Int64(record.number)), .optional(record.score),
                .text(record.decision.rawValue), .int(Int64(record.usage.inputTokens)),
                .int(Int64(record.usage.outputTokens)), .int(Int64(record.durationMS)), .real(record.costUSD),
                .text(outcome.executorModel), .text(Timestamp.string(now())),
            ])
        }
        for record in outcome.iterations {
            for item in record.verdict?.findings ?? [] {
                let key = item.dimension.lowercased() + "|" + item.title.lowercased()
                let resolver = evaluated.first { later in
                    later.number > record.number
                        && !(later.verdict?.findings ?? []).contains {
                            $0.dimension.lowercased() + "|" + $0.title.lowercased() == key
                        }
                }
                try finding.run([
                    .text(UUID().uuidString.lowercased()), .text(cycleID(record.number)),
                    .text(item.severity.rawValue.uppercased()), .text(item.dimension), .text(item.title),
                    .text(item.description), .optional(item.fix), .optional(resolver.map { cycleID($0.number) }),
                ])
            }
        }
    }

    private func recordUsage(_ db: SQLiteConnection, _ outcome: TaskOutcome, channel: String, at stamp: Date)
        throws(StoreError)
    {
        try Self.insertUsageEvent(
            db, type: .task, channel: channel, description: outcome.spec.description,
            category: outcome.recollection.category, skillsUsed: Self.skillsUsed(outcome), score: outcome.result.score,
            at: stamp)
    }

    /// A running average of the final score per skill and category (the evaluator counts as a skill).
    private func recordSkills(_ db: SQLiteConnection, _ outcome: TaskOutcome, at now: String) throws(StoreError) {
        guard let score = outcome.result.score else { return }
        let category = outcome.recollection.category ?? "general"
        let upsert = try db.prepare(
            """
            INSERT INTO skill_effectiveness(skill_name, task_category, avg_score, sample_count, last_used)
            VALUES (?, ?, ?, 1, ?)
            ON CONFLICT(skill_name, task_category) DO UPDATE SET
                avg_score = (coalesce(avg_score, 0) * coalesce(sample_count, 0) + excluded.avg_score)
                    / (coalesce(sample_count, 0) + 1),
                sample_count = coalesce(sample_count, 0) + 1, last_used = excluded.last_used
            """)
        for skill in Self.skillsUsed(outcome) {
            try upsert.run([.text(skill), .text(category), .real(score), .text(now)])
        }
    }

    static func skillsUsed(_ outcome: TaskOutcome) -> [String] {
        var names = outcome.recollection.skills.map(\.name)
        if let evaluator = outcome.evaluatorName, !names.contains(evaluator) { names.insert(evaluator, at: 0) }
        return names
    }

    static func split(_ label: String) -> (String, String) {
        guard let slash = label.firstIndex(of: "/") else { return ("", label) }
        return (String(label[..<slash]), String(label[label.index(after: slash)...]))
    }
}
