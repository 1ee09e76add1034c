import FoundationEssentials
import Glibc
import OpenKoiBench
import OpenKoiCore
import OpenKoiTesting
import OpenKoiTools

// What `openkoi bench` adds per trial beyond the pipeline's own cost: a fresh workspace, the
// iteration probe, grading, and one SQLite commit. The model answers at once (ScriptedModel), so
// what is left is orchestration. Each round runs the same trials twice — straight through a fresh
// Pipeline per task, as the CLI's trial executor builds them, and through BenchRunner — and the
// difference per trial is reported. Median of rounds.
//
//   swift run -c release BenchOverhead [--trials 500] [--rounds 7]

struct ZeroLatencyTrials: TrialExecutor {
    static let executor = ScriptedModel(replies: [.text("The capital of France is Paris.")])
    static let judge = ScriptedModel(replies: [
        .verdict(["relevance": 0.95, "quality": 0.95, "completeness": 0.95])
    ])
    static let roles = TaskRoles(
        executor: ModelBinding(provider: executor, model: "x"), evaluator: ModelBinding(provider: judge, model: "j"))

    func run(_ spec: TaskSpec, workspace: String, probe: any IterationProbe, events: any EventSink) async -> TrialRun {
        let pipeline = Pipeline(
            configuration: .forConcurrency(1),
            services: PipelineServices(
                router: FixedModelRouter(Self.roles), workspace: WorkspaceFileStore(workspace: workspace),
                events: events, iterationProbe: probe))
        let result = await pipeline.submit(spec)
        await pipeline.shutdown()
        return TrialRun(result: result, priced: true)
    }

    func pricing(for model: String) async -> ModelPricing? { .free }
}

func option(_ name: String, default value: Int) -> Int {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return value }
    return Int(arguments[index + 1]) ?? value
}

let trials = option("--trials", default: 500)
let rounds = option("--rounds", default: 7)
var template = Array("/tmp/openkoi-bench-overhead-XXXXXX".utf8CString)
guard let made = mkdtemp(&template) else { fatalError("mkdtemp failed") }
let scratch = String(cString: made)
defer { try? FileManager.default.removeItem(atPath: scratch) }
let workspace = scratch + "/workspace"
try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)

let suite = BenchSuite(
    path: scratch + "/suite.jsonl",
    tasks: (1...trials).map {
        BenchTask(id: "task-\($0)", prompt: "What is the capital of France?", expect: .text("Paris"))
    })
let clock = ContinuousClock()
var overheads: [Double] = []
var directs: [Double] = []
for round in 1...rounds {
    let executor = ZeroLatencyTrials()
    let direct = await clock.measure {
        for task in suite.tasks {
            let spec = TaskSpec(description: task.prompt, model: "x", policy: TaskPolicy(maxIterations: 1))
            _ = await executor.run(spec, workspace: workspace, probe: NoProbe(), events: NullEventSink())
        }
    }
    let store = BenchStore(path: scratch + "/round-\(round).db")
    let settings = BenchSettings(
        models: ["x"], iterations: [1], trials: 1, judge: JudgeSettings(model: "executor"), suiteDigest: suite.digest)
    let run = try await store.openRun(key: settings.key, suite: suite.path, settings: settings, now: 0)
    let runner = BenchRunner(
        suite: suite, run: run, store: store, executor: executor,
        grader: TrialGrader(sandbox: CommandSandbox(mode: .off)),
        configuration: BenchRunner.Configuration(
            concurrency: 1, budgetUSD: nil, policy: TaskPolicy(maxIterations: 1), scratchDirectory: scratch + "/work"))
    var outcome: BenchRunner.Outcome?
    let benched = try await clock.measure { outcome = try await runner.execute() }
    guard let outcome, outcome.trials.count == trials, outcome.trials.allSatisfy(\.passed) else {
        fatalError("round \(round): expected \(trials) passing trials, got \(outcome?.trials.count ?? 0)")
    }
    let perDirect = Double(direct.components.attoseconds) / 1e15 + Double(direct.components.seconds) * 1000
    let perBench = Double(benched.components.attoseconds) / 1e15 + Double(benched.components.seconds) * 1000
    directs.append(perDirect / Double(trials))
    overheads.append((perBench - perDirect) / Double(trials))
    print(
        "round \(round): pipeline \(NumberText.fixed(perDirect / Double(trials), decimals: 3)) ms/task, "
            + "bench \(NumberText.fixed(perBench / Double(trials), decimals: 3)) ms/trial")
}

struct NoProbe: IterationProbe {
    func inspect(_ iteration: JudgedIteration) async {}
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}
print(
    "median over \(rounds) rounds of \(trials) trials: pipeline \(NumberText.fixed(median(directs), decimals: 3)) ms/task, "
        + "bench overhead \(NumberText.fixed(median(overheads), decimals: 3)) ms/trial")
