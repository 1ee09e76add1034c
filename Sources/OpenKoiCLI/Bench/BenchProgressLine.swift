import OpenKoiBench
import OpenKoiCore

/// Progress on stderr: a bar with trials done, spend and ETA, redrawn in place on a terminal and
/// one line per trial otherwise (logs stay readable).
final class BenchProgressLine: Sendable {
    let terminal: Bool
    let quiet: Bool
    private let started = ContinuousClock.now
    private let resumedFrom = LockedValue<Int?>(nil)

    init(terminal: Bool, quiet: Bool) {
        self.terminal = terminal
        self.quiet = quiet
    }

    func show(_ progress: BenchProgress) {
        guard !quiet else { return }
        switch progress.kind {
        case .started(let estimate):
            resumedFrom.withLock { $0 = progress.done }
            let bound = estimate.map { "at most $" + NumberText.dollars($0) } ?? "unknown (a model has no listed price)"
            let resumed = progress.done > 0 ? "; resuming: \(progress.done) stored" : ""
            StandardStreams.err(
                "[bench] \(progress.total) trial(s)\(resumed); cost of the rest: \(bound)\n")
        case .budgetReached:
            StandardStreams.err(
                "\(terminal ? "\n" : "")[bench] budget reached ($\(NumberText.dollars(progress.spentUSD))): "
                    + "no new trials start; running ones finish\n")
        case .trialFinished(let trial):
            let line =
                bar(progress)
                + "  \(TerminalText.escaped(trial.key.task)) \(trial.key.model) -i \(trial.key.iterations)"
                + " #\(trial.key.trial) \(trial.passed ? "pass" : "FAIL")"
            if terminal {
                StandardStreams.err(
                    "\r\u{1b}[2K" + String(line.prefix(160)) + (progress.done == progress.total ? "\n" : ""))
            } else {
                StandardStreams.err("[bench] " + line + "\n")
            }
        }
    }

    func bar(_ progress: BenchProgress) -> String {
        let total = max(1, progress.total)
        let width = 20
        let filled = min(width, width * progress.done / total)
        let elapsed = Double(started.duration(to: .now).components.seconds)
        let ranHere = progress.done - (resumedFrom.withLock { $0 } ?? 0)
        let eta: String
        if ranHere > 0, progress.done < total {
            let seconds = elapsed / Double(ranHere) * Double(total - progress.done)
            eta = " ETA " + Self.duration(seconds)
        } else {
            eta = ""
        }
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            + "\(progress.done)/\(progress.total) $\(NumberText.dollars(progress.spentUSD))" + eta
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
    }
}
