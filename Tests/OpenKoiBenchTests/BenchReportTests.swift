import OpenKoiBench
import OpenKoiCore
import Testing

/// The report's numbers for scripted models with known behaviour, against hand-computed values.
struct BenchReportTests {
    /// A passes tasks 1–6 at iteration 1; B passes 1–4 at iteration 1 and 5–8 at iteration 2.
    static let behaviour: [String: [Int: Int]] = [
        "a/model": [1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1],
        "b/model": [1: 1, 2: 1, 3: 1, 4: 1, 5: 2, 6: 2, 7: 2, 8: 2],
    ]

    @Test func refineCurvesAndPairedComparisonMatchHandComputedValues() async throws {
        let harness = try BenchHarness()
        let suite = codeWordSuite(8)
        let (run, outcome) = try await harness.run(
            suite, models: ["a/model", "b/model"], iterations: [1, 2],
            executor: ScriptedModels(firstPass: Self.behaviour))
        #expect(outcome.trials.count == 8 * 2 * 2)
        #expect(!outcome.stoppedByBudget && !outcome.interrupted && outcome.errors.isEmpty, "\(outcome.errors)")
        let report = BenchReport(run: run, suite: suite, trials: outcome.trials, pricesAsOf: "2026-12-03")
        func column(_ model: String, _ iterations: Int) throws -> BenchReport.ColumnSummary {
            try #require(report.columns.first { $0.column.model == model && $0.column.iterations == iterations })
        }
        #expect(try column("a/model", 1).passed == 6)
        #expect(try column("a/model", 2).passRateAfter == [0.75, 0.75])
        #expect(try column("b/model", 1).passed == 4)
        let b2 = try column("b/model", 2)
        #expect(b2.passed == 8)
        #expect(b2.passRateAfter == [0.5, 1.0])
        #expect(b2.meanIterationsToPass == 1.5)
        let scores = b2.meanScoreAfter.compactMap { $0 }
        #expect(scores.count == 2 && scores[0] < scores[1], "the judge's mean score rises with the fixes: \(scores)")
        #expect(b2.costUSD == 0, "free models cost $0, a known price")

        let atTwo = try #require(
            report.comparisons.first { $0.a.model == "a/model" && $0.b.model == "b/model" && $0.a.iterations == 2 })
        #expect(atTwo.difference == 0.25)
        #expect(atTwo.aOnly == 0 && atTwo.bOnly == 2)
        #expect(abs(atTwo.mcnemarP - 0.5) < 1e-12)
        #expect(atTwo.flips.map(\.task) == ["task-7", "task-8"])
        #expect(atTwo.noiseFloor == nil, "one trial shows no noise")
        #expect(!atTwo.isSignificant, "2 discordant tasks of 8 is not a clear win")
        let atOne = try #require(
            report.comparisons.first { $0.a.model == "a/model" && $0.b.model == "b/model" && $0.a.iterations == 1 })
        #expect(atOne.difference == -0.25 && atOne.aOnly == 2 && atOne.bOnly == 0)
        #expect(atOne.flips.map(\.task) == ["task-5", "task-6"])
        let refineB = try #require(report.comparisons.first { $0.a.model == "b/model" && $0.b.model == "b/model" })
        #expect(refineB.difference == 0.5 && refineB.bOnly == 4)
        #expect(abs(refineB.mcnemarP - 0.125) < 1e-12, "2 × (1/2)^4")

        let text = ReportText.text(report)
        #expect(text.contains("8/8 (100%)"), "\(text)")
        #expect(text.contains("pass after iteration 2"), "\(text)")
        #expect(text.contains("flips: task-7 (0% → 100%), task-8 (0% → 100%)"), "\(text)")
        let json = ReportJSON.document(report)
        let trials = try #require(json["trials"]?.arrayValue)
        #expect(trials.count == 32)
        let first = try #require(
            trials.first { $0["task"] == "task-5" && $0["model"] == "b/model" && $0["iterations"] == 2 })
        #expect(first["passed"] == .bool(true) && first["passed_after"] == [false, true])
        #expect(first["trial"] == 1 && first["cost_usd"] == 0 && first["latency_ms"]?.doubleValue != nil)
        #expect(first["scores"]?.arrayValue?.count == 2)
    }

    @Test func trialsGivePassAtKPassHatKFlakyAndANoiseFloor() async throws {
        let harness = try BenchHarness()
        let suite = codeWordSuite(2)
        // a: task 1 fails on trial 3 (2/3, flaky), task 2 always passes; b: task 1 always, task 2 never.
        let models = ScriptedModels(
            firstPass: ["a/model": [1: 1, 2: 1], "b/model": [1: 1]], failingTrials: ["a/model": [1: [3]]])
        let (run, outcome) = try await harness.run(
            suite, models: ["a/model", "b/model"], iterations: [1], trials: 3, executor: models)
        let report = BenchReport(run: run, suite: suite, trials: outcome.trials, pricesAsOf: "2026-12-03")
        let column = BenchReport.Column(model: "a/model", iterations: 1)
        let task1 = try #require(report.tasks.first { $0.task == "task-1" }?.cells[column])
        #expect(task1.passes == 2 && task1.trials == 3 && task1.passAtK && !task1.passHatK && task1.flaky)
        let task2 = try #require(report.tasks.first { $0.task == "task-2" }?.cells[column])
        #expect(task2.passHatK && !task2.flaky)
        let comparison = try #require(report.comparisons.first)
        // Variance: a/task-1 is 3/2 · (2/3)(1/3) = 1/3, over 3 trials 1/9; the rest 0. √(1/9) / 2 tasks × 1.96.
        let floor = try #require(comparison.noiseFloor)
        #expect(abs(floor - 1.96 / 6) < 1e-9, "\(floor)")
        #expect(ReportText.text(report).contains("task-1: a/model -i 1 2/3"))
    }

    @Test func baselineGateFlagsOnlyDropsBeyondTheNoiseFloor() async throws {
        let suite = codeWordSuite(3)
        let baseline = try BenchHarness()
        let (baseRun, baseOutcome) = try await baseline.run(
            suite, models: ["a/model"], iterations: [1], trials: 3,
            executor: ScriptedModels(firstPass: ["a/model": [1: 1, 2: 1, 3: 1]]))
        let current = try BenchHarness()
        // task-1 drops 3/3 → 1/3 (a regression), task-2 3/3 → 2/3 (inside the noise), task-3 holds.
        let (run, outcome) = try await current.run(
            suite, models: ["a/model"], iterations: [1], trials: 3,
            executor: ScriptedModels(
                firstPass: ["a/model": [1: 1, 2: 1, 3: 1]], failingTrials: ["a/model": [1: [1, 2], 2: [1]]]))
        let regressions = BaselineGate.regressions(
            current: BenchReport(run: run, suite: suite, trials: outcome.trials, pricesAsOf: ""),
            baseline: BenchReport(run: baseRun, suite: suite, trials: baseOutcome.trials, pricesAsOf: ""))
        #expect(regressions.map(\.task) == ["task-1"])
        #expect(regressions.first.map { abs($0.currentRate - 1.0 / 3) < 1e-12 } == true)
    }
}

/// `--regrade`: the same final answers judged again, and how often the verdict flips.
struct JudgeVarianceTests {
    @Test func regradingTrialOneShowsAJudgeThatDisagreesWithItself() async throws {
        let harness = try BenchHarness()
        let suite = codeWordSuite(2)
        var models = ScriptedModels(firstPass: ["a/model": [1: 1, 2: 1]])
        models.wobblyJudge = true
        let (run, outcome) = try await harness.run(
            suite, models: ["a/model"], iterations: [1], trials: 2, executor: models, regrade: 2)
        let first = outcome.trials.filter { $0.key.trial == 1 }
        #expect(first.count == 2 && first.allSatisfy { $0.regradeScores?.count == 2 }, "\(first)")
        #expect(first.allSatisfy { $0.regradeScores?.compactMap { $0 } == [0.5, 0.95] }, "\(first)")
        #expect(outcome.trials.filter { $0.key.trial == 2 }.allSatisfy { $0.regradeScores == nil })
        let report = BenchReport(run: run, suite: suite, trials: outcome.trials, pricesAsOf: "2026-12-03")
        let variance = try #require(report.judgeVariance.first)
        #expect(variance.answers == 2 && variance.verdictsPerAnswer == 3 && variance.flipped == 2)
        #expect(abs(variance.meanSpread - 0.45) < 1e-9)
        #expect(ReportText.text(report).contains("2 of 2 verdict(s) flipped over 3 asks"))
        #expect(
            run.settings.key
                != BenchSettings(
                    models: ["a/model"], iterations: [1], trials: 2, judge: JudgeSettings(model: "executor"),
                    suiteDigest: suite.digest
                ).key, "a re-graded run is not the same run as a plain one")
    }
}

struct PairedStatisticsTests {
    @Test func exactMcNemarMatchesTheBinomialTail() {
        #expect(PairedStatistics.mcnemarExact(b: 0, c: 0) == 1)
        #expect(abs(PairedStatistics.mcnemarExact(b: 0, c: 2) - 0.5) < 1e-12)
        #expect(abs(PairedStatistics.mcnemarExact(b: 1, c: 6) - 2.0 * 8 / 128) < 1e-12)
        #expect(abs(PairedStatistics.mcnemarExact(b: 0, c: 10) - 2.0 / 1024) < 1e-12)
        #expect(PairedStatistics.mcnemarExact(b: 5, c: 5) == 1)
        #expect(PairedStatistics.mcnemarExact(b: 7, c: 3) == PairedStatistics.mcnemarExact(b: 3, c: 7))
    }

    @Test func bootstrapIntervalIsReproducibleAndBracketsTheMean() {
        let differences = [0.0, 0, 0, 1, 1, 1, 1, 0.5, -1, 1]
        let first = PairedStatistics.bootstrapInterval(differences)
        #expect(first == PairedStatistics.bootstrapInterval(differences), "a fixed seed gives the same interval")
        #expect(first.low < 0.45 && 0.45 < first.high)
        #expect(first.low > -1 && first.high < 1)
        #expect(PairedStatistics.bootstrapInterval([0.25, 0.25, 0.25]) == (0.25, 0.25))
    }

    @Test func quantilesInterpolate() {
        #expect(PairedStatistics.quantile([1, 2, 3, 4], 0.5) == 2.5)
        #expect(PairedStatistics.quantile([10], 0.99) == 10)
        #expect(PairedStatistics.quantile([0, 100], 0.9) == 90)
    }
}
