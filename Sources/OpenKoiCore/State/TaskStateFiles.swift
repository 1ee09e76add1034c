import FoundationEssentials
/// `state/current-task.json` (rewritten on each event while a task runs) and
/// `state/task-history.jsonl` (one line per finished task), in the reference's shapes (§5.1–5.2).
public struct TaskStateFiles: Sendable {
    public let currentTaskPath: String
    public let historyPath: String
    /// Rotation limits: over either, the history is cut to its last `keepLines` lines before appending.
    public var maxBytes = 1_048_576
    public var maxLines = 1000
    public var keepLines = 500

    public init(stateDirectory: String) {
        currentTaskPath = stateDirectory + "/current-task.json"
        historyPath = stateDirectory + "/task-history.jsonl"
    }

    /// The live view of one running task.
    public struct CurrentTask: Codable, Sendable, Hashable {
        public var task_id: String
        public var description: String
        public var status: String
        public var phase: String
        public var iteration: Int
        public var max_iterations: Int
        public var current_score: Double?
        public var best_score: Double?
        public var cost_usd: Double
        public var tokens_used: Int
        public var started_at: String
        public var elapsed_secs: Double
        public var last_decision: String
        public var tool_calls: [String]
        public var model: String

        public init(
            task_id: String, description: String, status: String, phase: String, iteration: Int, max_iterations: Int,
            current_score: Double?, best_score: Double?, cost_usd: Double, tokens_used: Int, started_at: String,
            elapsed_secs: Double, last_decision: String, tool_calls: [String], model: String
        ) {
            self.task_id = task_id
            self.description = description
            self.status = status
            self.phase = phase
            self.iteration = iteration
            self.max_iterations = max_iterations
            self.current_score = current_score
            self.best_score = best_score
            self.cost_usd = cost_usd
            self.tokens_used = tokens_used
            self.started_at = started_at
            self.elapsed_secs = elapsed_secs
            self.last_decision = last_decision
            self.tool_calls = tool_calls
            self.model = model
        }
    }

    public struct HistoryEntry: Codable, Sendable, Hashable {
        public var task_id: String
        public var description: String
        public var iterations: Int
        public var total_tokens: Int
        public var cost_usd: Double
        public var final_score: Double?
        public var decision: String
        public var status: String
        public var completed_at: String

        public init(
            task_id: String, description: String, iterations: Int, total_tokens: Int, cost_usd: Double,
            final_score: Double?, decision: String, status: String, completed_at: String
        ) {
            self.task_id = task_id
            self.description = description
            self.iterations = iterations
            self.total_tokens = total_tokens
            self.cost_usd = cost_usd
            self.final_score = final_score
            self.decision = decision
            self.status = status
            self.completed_at = completed_at
        }
    }

    public func writeCurrent(_ state: CurrentTask) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.makeDirectories(AtomicFile.parentDirectory(of: currentTaskPath))
        try AtomicFile.write(try encoder.encode(state), to: currentTaskPath)
    }

    public func clearCurrent() {
        _ = unlinkFile(currentTaskPath)
    }

    /// Appends one line, first rotating the file if it is over the size or line limit.
    ///
    /// Several openkoi processes may finish at once, so the append happens under an exclusive
    /// `flock` on the file, and a rotation (which replaces the file) is detected by whoever waited
    /// for the lock: it reopens the new file instead of appending to the replaced one.
    public func appendHistory(_ entry: HistoryEntry) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let line = String(decoding: try encoder.encode(entry), as: UTF8.self) + "\n"
        try AtomicFile.makeDirectories(AtomicFile.parentDirectory(of: historyPath))
        for _ in 0..<8 {
            let fd = open(historyPath, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw AtomicFile.WriteError(path: historyPath, reason: AtomicFile.errnoText()) }
            defer { close(fd) }
            guard flock(fd, LOCK_EX) == 0 else {
                throw AtomicFile.WriteError(path: historyPath, reason: AtomicFile.errnoText())
            }
            var opened = stat()
            var current = stat()
            guard fstat(fd, &opened) == 0, stat(historyPath, &current) == 0, opened.st_ino == current.st_ino else {
                continue  // rotated while we waited: append to the new file
            }
            guard let existing = FileDescriptorIO.readAll(fd) else {
                throw AtomicFile.WriteError(path: historyPath, reason: "cannot read it: \(AtomicFile.errnoText())")
            }
            let lineCount = existing.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
            if existing.count > maxBytes || lineCount >= maxLines {
                let kept = String(decoding: existing, as: UTF8.self).split(separator: "\n").suffix(keepLines)
                try AtomicFile.write(kept.joined(separator: "\n") + "\n" + line, to: historyPath)
            } else {
                guard FileDescriptorIO.writeAll(fd, line.utf8) else {
                    throw AtomicFile.WriteError(path: historyPath, reason: AtomicFile.errnoText())
                }
            }
            return
        }
        throw AtomicFile.WriteError(
            path: historyPath, reason: "the file kept being replaced by other openkoi processes")
    }

    public func readHistory() -> [HistoryEntry] {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: historyPath)) else { return [] }
        let decoder = JSONDecoder()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
            try? decoder.decode(HistoryEntry.self, from: Data($0.utf8))
        }
    }
}

#if canImport(Glibc)
    import Glibc
#endif

private func unlinkFile(_ path: String) -> Bool { unlink(path) == 0 }
