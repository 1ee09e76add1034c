import FoundationEssentials
import OpenKoiBench
import OpenKoiCore
import OpenKoiTesting
import Testing

/// Scheduling, storage, resume, budget and grading of trials.
struct BenchRunnerTests {
    static let models = ScriptedModels(firstPass: ["a/model": [1: 1, 2: 1, 3: 2], "b/model": [1: 1]])

    /// What must match between two runs (latency differs from run to run).
    static func outcomes(_ trials: [TrialRecord]) -> [String] {
        trials.map {
            "\($0.key.task) \($0.key.model) \($0.key.iterations) \($0.key.trial) \($0.passed) \($0.passedAfter) "
                + "\($0.scores) \($0.tokens) \(String(describing: $0.costUSD)) \($0.decision)"
        }
    }

    @Test func anInterruptedRunResumesToTheSameTrials() async throws {
        let suite = codeWordSuite(4)
        let whole = try BenchHarness()
        let (_, uninterrupted) = try await whole.run(
            suite, models: ["a/model", "b/model"], iterations: [1, 2], executor: Self.models)

        let harness = try BenchHarness()
        let (finished, continuation) = AsyncStream<Int>.makeStream()
        let first = Task {
            try await harness.run(
                suite, models: ["a/model", "b/model"], iterations: [1, 2], executor: Self.models,
                progress: { progress in
                    if case .trialFinished = progress.kind { continuation.yield(progress.done) }
                })
        }
        for await done in finished where done >= 3 { break }
        first.cancel()
        let (run, partial) = try await first.value
        #expect(partial.interrupted)
        #expect(partial.trials.count >= 3 && partial.trials.count < 16, "\(partial.trials.count)")
        let stored = try await harness.store.trialCount(run: run.id)
        #expect(stored == partial.trials.count, "every trial reported was stored, and only those")

        let (again, resumed) = try await harness.run(
            suite, models: ["a/model", "b/model"], iterations: [1, 2], executor: Self.models)
        #expect(again.id == run.id, "the same settings resume the same run")
        #expect(!resumed.interrupted)
        #expect(Self.outcomes(resumed.trials) == Self.outcomes(uninterrupted.trials))
        #expect(Set(resumed.trials.map(\.key)).count == 16, "no trial duplicated or missing")
    }

    @Test func theBudgetStopsNewTrialsAndResumeKeepsTheCostSoFar() async throws {
        let suite = codeWordSuite(6)
        var models = ScriptedModels(firstPass: ["paid/model": [1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1]])
        models.prices["paid/model"] = ModelPricing(inputPerMTok: 1, outputPerMTok: 0)
        let harness = try BenchHarness()
        let (_, outcome) = try await harness.run(
            suite, models: ["paid/model"], iterations: [1], executor: models, budget: 3)
        #expect(outcome.stoppedByBudget)
        let costs = outcome.trials.compactMap(\.costUSD)
        #expect(costs.count == outcome.trials.count && outcome.trials.count < 6, "\(costs)")
        #expect(
            costs.dropLast().reduce(0, +) < 3 && costs.reduce(0, +) >= 3, "started only while under budget: \(costs)")
        // The same budget again: what was spent counts, so nothing new starts.
        let (_, again) = try await harness.run(
            suite, models: ["paid/model"], iterations: [1], executor: models, budget: 3)
        #expect(again.stoppedByBudget && again.trials.count == outcome.trials.count)
    }

    @Test func modelsInOneLaneTakeTurns() async throws {
        let suite = codeWordSuite(3)
        let harness = try BenchHarness()
        var shared = ScriptedModels(firstPass: Self.models.firstPass)
        shared.sharedLane = true
        _ = try await harness.run(suite, models: ["a/model", "b/model"], iterations: [1], executor: shared)
        #expect(shared.peak.value == 1, "two local models never run at once")
        let separate = try BenchHarness()
        let models = ScriptedModels(firstPass: Self.models.firstPass)
        let (_, outcome) = try await separate.run(
            suite, models: ["a/model", "b/model"], iterations: [1], executor: models, concurrency: 2)
        #expect(outcome.trials.count == 6)
        #expect(models.peak.value <= 4, "at most --concurrency per lane")
    }

    @Test func anUnknownPriceIsUnknownNotFree() async throws {
        let suite = codeWordSuite(1)
        let harness = try BenchHarness()
        let (run, outcome) = try await harness.run(
            suite, models: ["paid/mystery"], iterations: [1], executor: ScriptedModels(firstPass: [:]))
        #expect(outcome.trials.count == 1 && outcome.trials[0].costUSD == nil)
        let report = BenchReport(run: run, suite: suite, trials: outcome.trials, pricesAsOf: "2026-12-03")
        #expect(report.columns[0].costUSD == nil)
        #expect(ReportText.text(report).contains("unknown"))
        let free = BenchReport(
            run: run, suite: suite,
            trials: outcome.trials.map {
                var t = $0; t.costUSD = 0; return t
            }, pricesAsOf: "")
        #expect(!ReportText.text(free).contains("unknown"), "no pass at a known price is \"-\" per pass, not unknown")
        #expect(ReportJSON.document(report)["trials"]?[0]?["cost_usd"] == .null)
    }

    @Test func aCheckThatHangsTimesOut() async throws {
        var suite = codeWordSuite(1)
        suite.tasks[0].expect = nil
        suite.tasks[0].check = BenchCheck(command: "sleep 30", timeoutSeconds: 0.3)
        let harness = try BenchHarness()
        let (_, outcome) = try await harness.run(
            suite, models: ["a/model"], iterations: [1], executor: ScriptedModels(firstPass: ["a/model": [1: 1]]))
        let trial = try #require(outcome.trials.first)
        #expect(!trial.passed)
        #expect(trial.gradeDetail?.contains("timed out after") == true, "\(trial.gradeDetail ?? "")")
    }

    @Test func eachIterationIsGradedOnItsOwnFilesAndProtectedFilesArePutBack() async throws {
        let files = try ScratchDirectory(prefix: "openkoi-bench-files")
        try Data("pristine\n".utf8).write(to: URL(fileURLWithPath: files.path + "/test_answer.py"))
        var suite = codeWordSuite(1)
        suite.tasks[0].expect = nil
        suite.tasks[0].files = files.path
        suite.tasks[0].check = BenchCheck(
            command: "grep -q v2 answer.txt && grep -q pristine test_answer.py && test ! -f conftest.py",
            restore: ["test_*.py", "conftest.py"])
        var models = ScriptedModels(firstPass: ["a/model": [1: 2]])
        // Iteration n writes vn, and tampers with the tests as a model might.
        models.writes = { _, iteration, workspace in
            try? Data("v\(iteration)\n".utf8).write(to: URL(fileURLWithPath: workspace + "/answer.txt"))
            try? Data("hacked\n".utf8).write(to: URL(fileURLWithPath: workspace + "/test_answer.py"))
            try? Data("x = 1\n".utf8).write(to: URL(fileURLWithPath: workspace + "/conftest.py"))
        }
        let harness = try BenchHarness()
        let (_, outcome) = try await harness.run(suite, models: ["a/model"], iterations: [2], executor: models)
        let trial = try #require(outcome.trials.first)
        #expect(trial.passedAfter == [false, true], "iteration 1 wrote v1, iteration 2 v2")
        #expect(trial.passed, "\(trial.gradeDetail ?? "")")
        #expect(
            FileManager.default.contents(atPath: files.path + "/test_answer.py") == Data("pristine\n".utf8),
            "the suite's own files are never touched")
    }
}
