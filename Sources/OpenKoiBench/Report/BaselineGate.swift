/// `--baseline RUN`: the tasks that went from passing to failing by more than trial noise.
public enum BaselineGate {
    public struct Regression: Sendable, Hashable {
        public var task: String
        public var column: BenchReport.Column
        public var baselineRate: Double
        public var currentRate: Double
        /// 1.96 standard errors of the drop from both runs' trial noise (0 with one trial each).
        public var noiseFloor: Double
    }

    /// Cells (task × model × setting) in both runs whose majority outcome went pass → fail with a
    /// drop above the noise floor.
    public static func regressions(current: BenchReport, baseline: BenchReport) -> [Regression] {
        let before = Dictionary(baseline.tasks.map { ($0.task, $0.cells) }, uniquingKeysWith: { first, _ in first })
        var found: [Regression] = []
        for task in current.tasks {
            for (column, cell) in task.cells.sorted(by: { $0.key < $1.key }) {
                guard let old = before[task.task]?[column] else { continue }
                let noise =
                    1.96
                    * (PairedStatistics.trialVariance(passes: old.passes, trials: old.trials) / Double(old.trials)
                    + PairedStatistics.trialVariance(passes: cell.passes, trials: cell.trials)
                    / Double(cell.trials)).squareRoot()
                let drop = old.rate - cell.rate
                if old.rate >= 0.5, cell.rate < 0.5, drop > noise {
                    found.append(
                        Regression(
                            task: task.task, column: column, baselineRate: old.rate, currentRate: cell.rate,
                            noiseFloor: noise))
                }
            }
        }
        return found
    }
}
