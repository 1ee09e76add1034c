import FoundationEssentials
import OpenKoiBench
import OpenKoiCore
import OpenKoiTesting
import OpenKoiTools

/// Scripted models with known per-task behaviour, run through the real pipeline: task `task-N`
/// asks for a code word, and `firstPass[model][N]` is the iteration at which the model first
/// answers it right (absent: never). The judge scores the answer by whether it holds the word.
struct ScriptedModels: TrialExecutor {
    var firstPass: [String: [Int: Int]]
    /// $ per trial iteration as a price: each executor and judge call uses 1M input tokens.
    var prices: [String: ModelPricing] = [:]
    /// Trials (from 1) on which a model gets a task wrong whatever the iteration: flaky behaviour.
    var failingTrials: [String: [Int: Set<Int>]] = [:]
    /// The judge scores a right answer 0.95 and 0.5 by turns (per trial), as a noisy judge would.
    var wobblyJudge = false
    /// Every model in one lane (as local models are), and the most trials seen running at once.
    var sharedLane = false
    let running = LockedValue(0)
    let peak = LockedValue(0)
    /// Files an executor call writes into the workspace, by (model, iteration).
    var writes: @Sendable (String, Int, String) -> Void = { _, _, _ in }

    static func codeWord(_ task: Int) -> String { "ZEBRA-\(task)" }

    /// Plans are not what is measured: one fixed plan, from a model of its own (executor calls
    /// are counted as iterations).
    static let planner = ScriptedModel(replies: [.text(#"{"steps": ["answer"], "acceptance_criteria": ["right"]}"#)])

    static func taskNumber(_ text: String) -> Int? {
        guard let rest = text.split(separator: "task number ", maxSplits: 1).dropFirst().first else { return nil }
        return Int(rest.prefix { $0.isNumber })
    }

    func lane(for model: String) async -> String { sharedLane ? "this machine" : model }

    func run(_ spec: TaskSpec, workspace: String, probe: any IterationProbe, events: any EventSink) async -> TrialRun {
        let now = running.withLock { n -> Int in
            n += 1
            return n
        }
        peak.withLock { $0 = max($0, now) }
        defer { running.withLock { $0 -= 1 } }
        let model = spec.model ?? ""
        let plan = firstPass[model] ?? [:]
        let number = Self.taskNumber(spec.description) ?? 0
        // The spec id is bench-<task>-<setting>-<trial>-<nonce>.
        let trial = Int(spec.id.split(separator: "-").dropLast().last ?? "") ?? 0
        let failing = failingTrials[model]?[number]?.contains(trial) ?? false
        let writes = self.writes
        let usage = TokenUsage(inputTokens: 1_000_000, outputTokens: 0)
        let executor = ScriptedModel(id: "scripted") { _, call in
            let iteration = call + 1
            writes(model, iteration, workspace)
            let right = !failing && (plan[number].map { iteration >= $0 } ?? false)
            return .text(right ? "The code word is \(Self.codeWord(number))." : "I do not know it.", usage: usage)
        }
        let wobbly = wobblyJudge
        let judge = ScriptedModel(id: "scripted") { request, call in
            let text = request.messages.map(\.content).joined(separator: "\n")
            if text.contains(Self.codeWord(number)) {
                let score = wobbly && call % 2 == 1 ? 0.5 : 0.95
                return .verdict(["relevance": score, "quality": score, "completeness": score])
            }
            var reply = ScriptedReply.verdict(
                ["relevance": 0.2, "quality": 0.2, "completeness": 0.2], findings: [("major", "WRONG-CODE-WORD")])
            reply.usage = usage
            return reply
        }
        let pricing = prices[model] ?? .free
        let roles = TaskRoles(
            planner: ModelBinding(provider: Self.planner, model: model, pricing: pricing),
            executor: ModelBinding(provider: executor, model: model, pricing: pricing),
            evaluator: ModelBinding(provider: judge, model: model, pricing: pricing))
        let pipeline = Pipeline(
            configuration: .forConcurrency(1),
            services: PipelineServices(
                router: FixedModelRouter(roles), workspace: WorkspaceFileStore(workspace: workspace), events: events,
                iterationProbe: probe))
        let result = await pipeline.submit(spec)
        await pipeline.shutdown()
        return TrialRun(result: result, priced: prices[model] != nil || !model.hasPrefix("paid/"))
    }

    func pricing(for model: String) async -> ModelPricing? {
        prices[model] ?? (model.hasPrefix("paid/") ? nil : .free)
    }
}

/// A suite of `count` code-word tasks graded by `expect`.
func codeWordSuite(_ count: Int, path: String = "/suite.jsonl") -> BenchSuite {
    BenchSuite(
        path: path,
        tasks: (1...count).map { n in
            BenchTask(
                id: "task-\(n)", prompt: "Give the code word for task number \(n).",
                expect: .text(ScriptedModels.codeWord(n)))
        })
}

/// A store in a fresh directory, and a runner over it.
struct BenchHarness {
    let directory: ScratchDirectory
    let store: BenchStore

    init() throws {
        directory = try ScratchDirectory(prefix: "openkoi-bench-test")
        store = BenchStore(path: directory.path + "/openkoi.db")
    }

    func run(
        _ suite: BenchSuite, models: [String], iterations: [Int], trials: Int = 1, executor: ScriptedModels,
        budget: Double? = nil, concurrency: Int = 1, regrade: Int = 0,
        progress: @escaping @Sendable (BenchProgress) -> Void = { _ in }
    ) async throws -> (BenchRun, BenchRunner.Outcome) {
        let settings = BenchSettings(
            models: models, iterations: iterations, trials: trials, judge: JudgeSettings(model: "executor"),
            suiteDigest: suite.digest, regrade: regrade)
        let run = try await store.openRun(key: settings.key, suite: suite.path, settings: settings, now: 1)
        let runner = BenchRunner(
            suite: suite, run: run, store: store, executor: executor,
            grader: TrialGrader(sandbox: CommandSandbox(mode: .off)),
            configuration: BenchRunner.Configuration(
                concurrency: concurrency, budgetUSD: budget,
                policy: TaskPolicy(maxIterations: 3, tokenBudget: 1 << 40, maxCostUSD: 1000),
                scratchDirectory: directory.path + "/work"),
            progress: progress)
        return (run, try await runner.execute())
    }
}
