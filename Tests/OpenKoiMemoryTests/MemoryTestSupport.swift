import FoundationEssentials

/// A fresh directory under /tmp, removed when the value is released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.path + "/openkoi-memory-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

import OpenKoiCore
@testable import OpenKoiMemory

/// Outcomes as the learner hands them to memory, built from a few numbers.
enum Outcomes {
    static func finding(_ title: String, severity: Severity = .important, fix: String? = nil) -> Finding {
        Finding(id: "F", severity: severity, dimension: "correctness", title: title, description: "", fix: fix)
    }

    static func iteration(_ number: Int, score: Double, findings: [Finding] = [], decision: Decision = .continue)
        -> IterationRecord
    {
        var record = IterationRecord(
            number: number, output: "answer \(number)",
            verdict: Verdict(
                dimensions: [DimensionScore(name: "correctness", score: score, weight: 1)], findings: findings),
            usage: TokenUsage(inputTokens: 100 * number, outputTokens: 10 * number), decision: decision)
        record.costUSD = 0.01 * Double(number)
        record.durationMS = 1000 * number
        return record
    }

    static func outcome(
        id: String = UUID().uuidString.lowercased(), task: String, iterations: [IterationRecord], decision: Decision,
        lessons: [Lesson] = [], recalled: [Recollection.RecalledLesson] = [], category: String? = "code"
    ) -> TaskOutcome {
        let best = iterations.max { ($0.score ?? 0) < ($1.score ?? 0) }
        let result = TaskResult(
            taskID: id, description: task, output: best?.output ?? "", score: best?.score,
            iterations: iterations.count, bestIteration: best?.number, decision: decision,
            usage: TokenUsage(inputTokens: 300, outputTokens: 30), costUSD: 0.03, durationMS: 3000, error: nil,
            findings: [], model: "local/test-model")
        return TaskOutcome(
            spec: TaskSpec(id: id, description: task), result: result, iterations: iterations,
            recollection: Recollection(lessons: recalled, category: category), lessons: lessons,
            executorModel: "local/test-model", evaluatorName: "code-review")
    }
}

/// A deterministic bag-of-words embedder: a test double for the hybrid-recall plumbing only (the
/// real offline embedder is a learned model, tested in EmbeddingTests).
struct WordHashEmbedder: TextEmbedder {
    var modelID = "test/word-hash"

    func embed(_ texts: [String]) async throws -> [[Float]] {
        texts.map { text in
            var vector = [Float](repeating: 0, count: 64)
            for word in RecallTerms.terms(text) {
                var hash: UInt64 = 1469598103934665603
                for byte in word.utf8 { hash = (hash ^ UInt64(byte)) &* 1099511628211 }
                vector[Int(hash % 64)] += 1
            }
            return vector
        }
    }
}
