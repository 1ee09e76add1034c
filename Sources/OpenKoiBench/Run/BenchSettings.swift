import OpenKoiCore

/// What a run compares. Two invocations with the same settings on the same suite are the same run:
/// the second resumes the first.
public struct BenchSettings: Sendable, Hashable, Codable {
    /// `provider/model` ids, in the order given (the report's columns).
    public var models: [String]
    /// `--iterations` settings, ascending.
    public var iterations: [Int]
    public var trials: Int
    public var judge: JudgeSettings
    /// `BenchSuite.digest` of the suite the run was made on.
    public var suiteDigest: String
    /// `--name`: tells apart runs with the same settings (a baseline and a candidate build).
    public var name: String?
    /// `--regrade K`: the judge re-asked K times about trial 1's final answer of every task, model
    /// and setting (`nil` or 0: never).
    public var regrade: Int?

    public init(
        models: [String], iterations: [Int], trials: Int, judge: JudgeSettings, suiteDigest: String,
        name: String? = nil, regrade: Int? = nil
    ) {
        self.name = name
        self.regrade = regrade
        self.models = models
        self.iterations = iterations
        self.trials = trials
        self.judge = judge
        self.suiteDigest = suiteDigest
    }

    /// The run's identity: resuming matches on it (concurrency and budget are not part of it).
    public var key: String {
        var parts: [String] = [
            suiteDigest, models.joined(separator: ","), iterations.map(String.init).joined(separator: ","),
            String(trials), judge.model, "\(judge.temperature)",
        ]
        if let seed = judge.seed { parts.append(String(seed)) }
        parts.append(name ?? "")
        if let regrade, regrade > 0 { parts.append("regrade \(regrade)") }
        return parts.joined(separator: "|")
    }

    /// Every trial of the run, task-major, in a fixed order.
    public func plan(_ suite: BenchSuite) -> [TrialKey] {
        var keys: [TrialKey] = []
        for task in suite.tasks {
            for model in models {
                for setting in iterations {
                    for trial in 1...max(1, trials) {
                        keys.append(TrialKey(task: task.id, model: model, iterations: setting, trial: trial))
                    }
                }
            }
        }
        return keys
    }
}

/// The judge as pinned for the run, so scores from different runs are comparable.
public struct JudgeSettings: Sendable, Hashable, Codable {
    /// `provider/model`, or `executor` when each model judges its own answers.
    public var model: String
    public var temperature: Double
    /// Sent to providers that take a seed (OpenAI-compatible, llama.cpp, Ollama, Gemini); `nil` in
    /// runs stored before the judge had one.
    public var seed: Int?

    public init(model: String, temperature: Double = JudgePrompt.temperature, seed: Int? = JudgePrompt.seed) {
        self.model = model
        self.temperature = temperature
        self.seed = seed
    }
}
