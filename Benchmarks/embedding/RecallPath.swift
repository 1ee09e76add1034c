import FoundationEssentials
import OpenKoiCore
import OpenKoiMemory

/// What recall adds to a task's start with the offline embedder: one `LongTermMemory.recall` —
/// embed the task, BM25 over the words, load the vectors from SQLite, top-k, read the rows — in a
/// fresh process (cold) and again (warm), over a store of `count` memories.
enum RecallPath {
    /// The words of the benchmark's labelled task texts (~500 distinct): memories as varied as a
    /// developer's tasks, so the keyword search matches a realistic share of them.
    static let words: [String] = {
        var seen = Set<String>()
        return RecallPairs.allTexts.flatMap { $0.lowercased().split { !$0.isLetter } }.map(String.init).filter {
            $0.count >= 3 && seen.insert($0).inserted
        }
    }()

    /// Fills `path` with `count` finished tasks, half with a lesson, each with a (random, unit)
    /// 384-d vector under the offline model's id: the search cost depends on the count, not the values.
    static func seed(path: String, count: Int) async throws {
        let store = MemoryStore(path: path, decayRate: 0)
        var rng = SplitMix(state: 42)
        func text(_ n: Int) -> String {
            (0..<12).map { _ in words[Int(rng.next() % UInt64(words.count))] }.joined(separator: " ") + " \(n)"
        }
        func vector() -> [Float] {
            let raw = (0..<384).map { _ in Float(Double(rng.next() % 2_000_000) / 1_000_000 - 1) }
            let norm = raw.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return raw.map { $0 / norm }
        }
        for n in 0..<count {
            let spec = TaskSpec(description: "Fix the " + text(n))
            let result = TaskResult(
                taskID: spec.id, description: spec.description, output: "done", score: 0.8, iterations: 2,
                bestIteration: 2, decision: .accept, usage: .zero, costUSD: 0, durationMS: 1000, error: nil,
                findings: [], model: "local/qwen2.5-coder-1.5b")
            let lessons = n % 2 == 0 ? [Lesson(kind: .heuristic, content: "Check the " + text(n), confidence: 0.7)] : []
            let outcome = TaskOutcome(
                spec: spec, result: result, iterations: [], recollection: .none, lessons: lessons,
                executorModel: "local/qwen2.5-coder-1.5b")
            let vectors = OutcomeVectors(
                model: "local/" + LocalEmbedder.modelName, task: vector(), lessons: lessons.map { _ in vector() })
            _ = try await store.record(outcome, session: SessionInfo(channel: "bench"), vectors: vectors)
        }
    }

    /// Milliseconds of the first recall in this process (embedder load and vector load included) and
    /// the median of 20 more.
    static func measure(path: String, embedder: LocalEmbedder) async -> (cold: Double, warm: Double, found: Int) {
        let memory = LongTermMemory(
            store: MemoryStore(path: path, decayRate: 0), embedder: embedder, session: SessionInfo(channel: "bench"))
        let clock = ContinuousClock()
        let task = TaskSpec(description: "The invoice export times out when the csv report is large")
        let start = clock.now
        let first = await memory.recall(for: task)
        let cold = milliseconds(clock.now - start)
        var warm: [Double] = []
        for _ in 0..<20 {
            let again = clock.now
            _ = await memory.recall(for: task)
            warm.append(milliseconds(clock.now - again))
        }
        return (cold, quantile(warm, 0.5), first.lessons.count + first.similarTasks.count)
    }
}
