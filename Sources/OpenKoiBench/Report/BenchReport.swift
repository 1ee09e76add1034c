import FoundationEssentials

/// Everything a bench report says, computed from the stored trials alone: an interrupted and
/// resumed run gives the same report as an uninterrupted one.
public struct BenchReport: Sendable {
    public var run: BenchRun
    public var trials: [TrialRecord]
    public var columns: [ColumnSummary]
    public var tasks: [TaskSummary]
    public var comparisons: [Comparison]
    /// Suite lines or folders that could not be read.
    public var problems: [SuiteProblem]
    /// When the price table the costs come from was last checked (`YYYY-MM-DD`).
    public var pricesAsOf: String
    /// Trials planned but not stored (budget stop, interruption).
    public var missingTrials: Int
    /// `--regrade`: how much the judge disagrees with itself, per column that was re-graded.
    public var judgeVariance: [JudgeVariance]

    /// The judge asked again about the same answers.
    public struct JudgeVariance: Sendable {
        public var column: Column
        /// Answers re-judged.
        public var answers: Int
        /// Verdicts per answer: the original and the re-asks.
        public var verdictsPerAnswer: Int
        /// Answers whose verdict (score at or above the quality bar, or not) was not the same every time.
        public var flipped: Int
        /// Mean over answers of the highest score minus the lowest.
        public var meanSpread: Double
        public var costUSD: Double?
    }

    /// One model at one iteration setting: a column of the table.
    public struct Column: Sendable, Hashable, Comparable {
        public var model: String
        public var iterations: Int

        public init(model: String, iterations: Int) {
            self.model = model
            self.iterations = iterations
        }

        public var label: String { "\(model) -i \(iterations)" }
        public static func < (a: Column, b: Column) -> Bool { (a.model, a.iterations) < (b.model, b.iterations) }
    }

    public struct ColumnSummary: Sendable {
        public var column: Column
        public var trials: Int
        public var passed: Int
        public var passRate: Double
        /// Pass rate and mean judge score after iteration 1, 2, … up to the setting.
        public var passRateAfter: [Double]
        public var meanScoreAfter: [Double?]
        /// Mean over passing trials of the first iteration that passed.
        public var meanIterationsToPass: Double?
        public var tokens: Int
        /// `nil` when a trial's price is unknown.
        public var costUSD: Double?
        /// Cost divided by passes (`nil` with no pass or unknown cost).
        public var costPerPassUSD: Double?
        public var latencyP50MS: Double
        public var latencyP90MS: Double
        public var latencyP99MS: Double
        public var firstTokenP50MS: Double?
        /// Median over trials of output tokens per second of trial wall time.
        public var outputTokensPerSecond: Double?
        /// Standard error of the pass rate from trial-to-trial noise (0 with one trial per task).
        public var standardError: Double
    }

    public struct TaskSummary: Sendable {
        public var task: String
        public var cells: [Column: Cell]
    }

    public struct Cell: Sendable {
        public var passes: Int
        public var trials: Int
        /// At least one of the k trials passed.
        public var passAtK: Bool
        /// All k trials passed.
        public var passHatK: Bool
        /// Some trials passed and some failed.
        public var flaky: Bool
        public var rate: Double { trials == 0 ? 0 : Double(passes) / Double(trials) }
    }

    /// `b` against `a` on the same tasks (same trial numbers paired).
    public struct Comparison: Sendable {
        public var a: Column
        public var b: Column
        /// Mean over tasks of b's pass rate minus a's.
        public var difference: Double
        public var intervalLow: Double
        public var intervalHigh: Double
        /// Discordant trial pairs: a passed and b failed, and the other way round.
        public var aOnly: Int
        public var bOnly: Int
        public var mcnemarP: Double
        /// 1.96 standard errors of the difference from trial noise; `nil` with one trial.
        public var noiseFloor: Double?
        /// Tasks whose majority outcome differs, with both pass rates.
        public var flips: [(task: String, a: Double, b: Double)]

        /// Whether the difference is more than noise: the interval excludes 0 and the difference is
        /// above the noise floor.
        public var isSignificant: Bool {
            (intervalLow > 0 || intervalHigh < 0) && abs(difference) > (noiseFloor ?? 0)
        }
    }

    public init(run: BenchRun, suite: BenchSuite?, trials: [TrialRecord], pricesAsOf: String) {
        self.run = run
        self.trials = trials
        self.pricesAsOf = pricesAsOf
        problems = suite?.problems ?? []
        let planned = suite.map { run.settings.plan($0).count }
        missingTrials = max(0, (planned ?? trials.count) - trials.count)
        var columns: [Column] = []
        for model in run.settings.models {
            for setting in run.settings.iterations { columns.append(Column(model: model, iterations: setting)) }
        }
        let byColumn = Dictionary(grouping: trials) { Column(model: $0.key.model, iterations: $0.key.iterations) }
        let taskIDs = suite?.tasks.map(\.id) ?? Array(Set(trials.map(\.key.task))).sorted()
        var tasks: [TaskSummary] = []
        for id in taskIDs {
            var cells: [Column: Cell] = [:]
            for column in columns {
                let mine = byColumn[column, default: []].filter { $0.key.task == id }
                guard !mine.isEmpty else { continue }
                let passes = mine.filter(\.passed).count
                cells[column] = Cell(
                    passes: passes, trials: mine.count, passAtK: passes > 0, passHatK: passes == mine.count,
                    flaky: passes > 0 && passes < mine.count)
            }
            tasks.append(TaskSummary(task: id, cells: cells))
        }
        self.tasks = tasks
        self.columns = columns.map { Self.summary($0, trials: byColumn[$0, default: []], tasks: tasks) }
        comparisons = Self.comparisons(columns: columns, settings: run.settings, trials: byColumn, tasks: tasks)
        judgeVariance = columns.compactMap { Self.variance($0, trials: byColumn[$0, default: []]) }
    }

    static func variance(_ column: Column, trials: [TrialRecord]) -> JudgeVariance? {
        let regraded = trials.filter { !($0.regradeScores ?? []).isEmpty }
        guard !regraded.isEmpty else { return nil }
        var flipped = 0
        var spread = 0.0
        var perAnswer = 0
        for trial in regraded {
            let scores = ([trial.scores.last ?? nil] + (trial.regradeScores ?? [])).compactMap { $0 }
            perAnswer = max(perAnswer, scores.count)
            let bar = trial.qualityThreshold ?? 0.8
            if Set(scores.map { $0 >= bar }).count > 1 { flipped += 1 }
            spread += (scores.max() ?? 0) - (scores.min() ?? 0)
        }
        let cost: Double? =
            regraded.contains { $0.regradeCostUSD == nil } ? nil : regraded.reduce(0) { $0 + ($1.regradeCostUSD ?? 0) }
        return JudgeVariance(
            column: column, answers: regraded.count, verdictsPerAnswer: perAnswer, flipped: flipped,
            meanSpread: spread / Double(regraded.count), costUSD: cost)
    }

    static func summary(_ column: Column, trials: [TrialRecord], tasks: [TaskSummary]) -> ColumnSummary {
        let passed = trials.filter(\.passed).count
        let count = max(1, trials.count)
        let passRateAfter = (1...max(1, column.iterations)).map { k in
            Double(trials.filter { $0.passed(after: k) }.count) / Double(count)
        }
        let meanScoreAfter = (1...max(1, column.iterations)).map { k -> Double? in
            let scores = trials.compactMap { $0.score(after: k) }
            return scores.isEmpty ? nil : scores.reduce(0, +) / Double(scores.count)
        }
        let toPass = trials.filter(\.passed).compactMap(\.iterationsToPass)
        let cost: Double? =
            trials.contains { $0.costUSD == nil } ? nil : trials.reduce(0) { $0 + ($1.costUSD ?? 0) }
        let latencies = trials.map { Double($0.latencyMS) }.sorted()
        let firstTokens = trials.compactMap { $0.firstTokenMS.map(Double.init) }.sorted()
        let speeds = trials.filter { $0.latencyMS > 0 && $0.outputTokens > 0 }.map {
            Double($0.outputTokens) / (Double($0.latencyMS) / 1000)
        }.sorted()
        let cells = tasks.compactMap { $0.cells[column] }
        let variance = cells.reduce(0.0) {
            $0 + PairedStatistics.trialVariance(passes: $1.passes, trials: $1.trials) / Double($1.trials)
        }
        let standardError = cells.isEmpty ? 0 : variance.squareRoot() / Double(cells.count)
        return ColumnSummary(
            column: column, trials: trials.count, passed: passed, passRate: Double(passed) / Double(count),
            passRateAfter: passRateAfter, meanScoreAfter: meanScoreAfter,
            meanIterationsToPass: toPass.isEmpty ? nil : Double(toPass.reduce(0, +)) / Double(toPass.count),
            tokens: trials.reduce(0) { $0 + $1.tokens }, costUSD: cost,
            costPerPassUSD: cost.flatMap { passed > 0 ? $0 / Double(passed) : nil },
            latencyP50MS: PairedStatistics.quantile(latencies, 0.5),
            latencyP90MS: PairedStatistics.quantile(latencies, 0.9),
            latencyP99MS: PairedStatistics.quantile(latencies, 0.99),
            firstTokenP50MS: firstTokens.isEmpty ? nil : PairedStatistics.quantile(firstTokens, 0.5),
            outputTokensPerSecond: speeds.isEmpty ? nil : PairedStatistics.quantile(speeds, 0.5),
            standardError: standardError)
    }

    /// Each other model against the first at every setting, and each other setting against the
    /// first for every model.
    static func comparisons(
        columns: [Column], settings: BenchSettings, trials: [Column: [TrialRecord]], tasks: [TaskSummary]
    ) -> [Comparison] {
        var pairs: [(Column, Column)] = []
        if let first = settings.models.first {
            for setting in settings.iterations {
                for model in settings.models.dropFirst() {
                    pairs.append((Column(model: first, iterations: setting), Column(model: model, iterations: setting)))
                }
            }
        }
        if let base = settings.iterations.first {
            for model in settings.models {
                for setting in settings.iterations.dropFirst() {
                    pairs.append((Column(model: model, iterations: base), Column(model: model, iterations: setting)))
                }
            }
        }
        return pairs.compactMap { a, b in compare(a, b, trials: trials, tasks: tasks) }
    }

    static func compare(_ a: Column, _ b: Column, trials: [Column: [TrialRecord]], tasks: [TaskSummary])
        -> Comparison?
    {
        let shared = tasks.filter { $0.cells[a] != nil && $0.cells[b] != nil }
        guard !shared.isEmpty else { return nil }
        let differences = shared.map { ($0.cells[b]?.rate ?? 0) - ($0.cells[a]?.rate ?? 0) }
        let interval = PairedStatistics.bootstrapInterval(differences)
        func outcomes(_ column: Column) -> [String: Bool] {
            Dictionary(
                (trials[column] ?? []).map { ("\($0.key.task)#\($0.key.trial)", $0.passed) },
                uniquingKeysWith: { first, _ in first })
        }
        let (left, right) = (outcomes(a), outcomes(b))
        var aOnly = 0
        var bOnly = 0
        for (pair, passedA) in left {
            guard let passedB = right[pair], passedA != passedB else { continue }
            if passedA { aOnly += 1 } else { bOnly += 1 }
        }
        var variance = 0.0
        var multiTrial = false
        for task in shared {
            for cell in [task.cells[a], task.cells[b]].compactMap({ $0 }) {
                if cell.trials > 1 { multiTrial = true }
                variance +=
                    PairedStatistics.trialVariance(passes: cell.passes, trials: cell.trials) / Double(cell.trials)
            }
        }
        let noise = multiTrial ? 1.96 * variance.squareRoot() / Double(shared.count) : nil
        let flips = shared.compactMap { task -> (task: String, a: Double, b: Double)? in
            guard let ca = task.cells[a], let cb = task.cells[b], (ca.rate >= 0.5) != (cb.rate >= 0.5) else {
                return nil
            }
            return (task.task, ca.rate, cb.rate)
        }
        return Comparison(
            a: a, b: b, difference: differences.reduce(0, +) / Double(differences.count),
            intervalLow: interval.low, intervalHigh: interval.high, aOnly: aOnly, bOnly: bOnly,
            mcnemarP: PairedStatistics.mcnemarExact(b: aOnly, c: bOnly), noiseFloor: noise, flips: flips)
    }
}
