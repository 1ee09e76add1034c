import FoundationEssentials
import OpenKoiCore

/// Grades each iteration as the loop judges it: the task's check runs on a snapshot of the
/// workspace (the live one is left alone), `expect` on that iteration's answer.
actor IterationGrading: IterationProbe {
    let task: BenchTask
    let workspace: TrialWorkspace
    let grader: TrialGrader
    let scratch: String
    /// Times to re-ask the judge about the final judged iteration (0: never).
    let regrade: Int
    private(set) var passed: [Int: Bool] = [:]
    private(set) var scores: [Int: Double?] = [:]
    private(set) var regrades: [Rejudged] = []

    init(task: BenchTask, workspace: TrialWorkspace, grader: TrialGrader, scratch: String, regrade: Int = 0) {
        self.regrade = regrade
        self.task = task
        self.workspace = workspace
        self.grader = grader
        self.scratch = scratch
    }

    func inspect(_ iteration: JudgedIteration) async {
        scores[iteration.number] = iteration.score
        if regrade > 0, iteration.decision != .continue, let rejudge = iteration.rejudge {
            // The loop ends here: the answer the task returns was judged last (or is the best one).
            regrades = []
            for _ in 0..<regrade {
                if let again = await rejudge() { regrades.append(again) }
            }
        }
        guard task.check != nil else {
            passed[iteration.number] = await grader.grade(task, workspace: workspace.path, answer: iteration.output)
                .passed
            return
        }
        guard let snapshot = try? workspace.snapshot(under: scratch) else {
            passed[iteration.number] = false
            return
        }
        defer { snapshot.remove() }
        passed[iteration.number] = await grader.grade(task, workspace: snapshot.path, answer: iteration.output).passed
    }

    /// Per iteration 1…n, in order; an iteration the loop did not judge (it stopped mid-way) keeps
    /// the state before it.
    func curve(iterations n: Int) -> (passed: [Bool], scores: [Double?]) {
        var passedCurve: [Bool] = []
        var scoreCurve: [Double?] = []
        guard n > 0 else { return ([], []) }
        for k in 1...n {
            passedCurve.append(passed[k] ?? passedCurve.last ?? false)
            scoreCurve.append(scores[k] ?? scoreCurve.last ?? nil)
        }
        return (passedCurve, scoreCurve)
    }
}

/// Notes when the executor's first text arrived, for time to first token.
final class FirstTokenClock: EventSink {
    private let started = ContinuousClock.now
    private let first = LockedValue<Duration?>(nil)

    func publish(_ event: TaskEvent) {
        guard case .outputDelta = event.kind else { return }
        let elapsed = started.duration(to: .now)
        first.withLock { if $0 == nil { $0 = elapsed } }
    }

    var firstTokenMS: Int? { first.withLock { $0 }.map(\.milliseconds) }
}

extension Duration {
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
