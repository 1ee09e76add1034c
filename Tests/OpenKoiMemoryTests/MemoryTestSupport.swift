import FoundationEssentials
import OpenKoiCore
import Testing

@testable import OpenKoiMemory

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The model scripts/embedder/install.sh places, shared by the tests that need it. Those tests
/// fail (never skip) when it is missing, with the command that installs it.
enum InstalledModel {
    static let directory = LocalEmbedder.defaultDirectory(environment: ProcessInfo.processInfo.environment)

    /// One embedder for every test: loading is the slow part in a debug build.
    static let embedder = LocalEmbedder(directory: directory)

    static func require() throws -> String {
        guard LocalEmbedder.isInstalled(at: directory) else { throw ModelNotInstalled() }
        return directory
    }

    struct ModelNotInstalled: Error, CustomStringConvertible {
        var description: String {
            "the offline embedding model is not installed in \(InstalledModel.directory): "
                + "run scripts/embedder/install.sh (or set OPENKOI_EMBEDDER_DIR)"
        }
    }
}

/// A fresh directory per test, removed when the value goes away.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/openkoi-memory-test-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw SetupError("mkdtemp failed") }
        path = String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let full = path + "/" + name
        guard FileManager.default.createFile(atPath: full, contents: Data(bytes)) else {
            throw SetupError("cannot write \(full)")
        }
        return full
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String { try write(name, Array(text.utf8)) }
}

struct SetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A tokenizer.json with a handful of pieces, for WordPiece rules that need no real model.
func miniTokenizerJSON(maxInputCharsPerWord: Int = 100, normalizerType: String = "BertNormalizer") -> String {
    """
    {"version":"1.0","truncation":null,"padding":null,
     "added_tokens":[{"id":0,"content":"[PAD]","special":true},{"id":1,"content":"[UNK]","special":true},
                     {"id":2,"content":"[CLS]","special":true},{"id":3,"content":"[SEP]","special":true}],
     "normalizer":{"type":"\(normalizerType)","clean_text":true,"handle_chinese_chars":true,
                   "strip_accents":null,"lowercase":true},
     "pre_tokenizer":{"type":"BertPreTokenizer"},
     "post_processor":{"type":"TemplateProcessing","single":[]},
     "decoder":{"type":"WordPiece","prefix":"##","cleanup":true},
     "model":{"type":"WordPiece","unk_token":"[UNK]","continuing_subword_prefix":"##",
              "max_input_chars_per_word":\(maxInputCharsPerWord),
              "vocab":{"[PAD]":0,"[UNK]":1,"[CLS]":2,"[SEP]":3,"un":4,"##aff":5,"##able":6,"hello":7,",":8,
                       "cafe":9,"\\u00e9t\\u00e9":10,"say \\"hi\\"":11,"a":12,"b":13,"c":14,"##b":15}}}
    """
}

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
