import FoundationEssentials
import OpenKoiCore

/// The JSON shapes printed by `--json` and by `batch` (one object per line).
struct ResultDocument: Encodable {
    var id: String
    var status: String
    var output: String
    var score: Double?
    var iterations: Int
    /// 1-based number of the iteration returned (`null` when none ran).
    var best_iteration: Int?
    var decision: String
    var tokens: Int
    var cost_usd: Double
    var duration_ms: Int
    var model: String
    var error: String?

    init(_ result: TaskResult) {
        id = result.taskID
        status = result.status.rawValue
        output = result.output
        score = result.score
        iterations = result.iterations
        best_iteration = result.bestIteration
        decision = result.decision.rawValue
        tokens = result.usage.total
        cost_usd = result.costUSD
        duration_ms = result.durationMS
        model = result.model
        error = result.error
    }

    /// One line of JSON; `score` and `error` are always present (`null` when absent).
    var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(id, forKey: .id)
        try c.encode(status, forKey: .status)
        try c.encode(output, forKey: .output)
        try c.encode(score, forKey: .score)
        try c.encode(iterations, forKey: .iterations)
        try c.encode(best_iteration, forKey: .best_iteration)
        try c.encode(decision, forKey: .decision)
        try c.encode(tokens, forKey: .tokens)
        try c.encode(cost_usd, forKey: .cost_usd)
        try c.encode(duration_ms, forKey: .duration_ms)
        try c.encode(model, forKey: .model)
        try c.encode(error, forKey: .error)
    }

    enum Keys: String, CodingKey {
        case id, status, output, score, iterations, best_iteration, decision, tokens, cost_usd, duration_ms, model,
            error
    }
}
