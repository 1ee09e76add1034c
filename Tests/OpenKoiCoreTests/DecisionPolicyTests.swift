import OpenKoiCore
import Testing

/// An evaluated iteration: one judged dimension at `score` (nil: unscored), optional tests and findings.
func record(
    _ number: Int, _ score: Double?, tests: (passed: Int, failed: Int)? = nil, findings: [Finding] = [note],
    output: String? = nil
) -> IterationRecord {
    var dimensions = score.map { [DimensionScore(name: "quality", score: $0, weight: 1)] } ?? []
    var objective = ObjectiveReport.empty
    if let tests {
        let report = TestRunReport(
            command: "pytest", passed: tests.passed, failed: tests.failed, exitCode: tests.failed == 0 ? 0 : 1)
        objective.tests = report
        dimensions.append(DimensionScore(name: "tests", score: report.score, weight: 0.3))
    }
    let verdict = Verdict(dimensions: dimensions, findings: findings, objective: objective)
    return IterationRecord(
        number: number, output: output ?? "answer \(number)", verdict: verdict, usage: .zero, decision: .continue)
}

let note = Finding(id: "F1", severity: .important, dimension: "quality", title: "Could be clearer")
let blocker = Finding(id: "F2", severity: .blocker, dimension: "correctness", title: "Misses the empty-input case")

struct DecisionPolicyTests {
    let p = TaskPolicy(maxIterations: 9, qualityThreshold: 0.9, improvementThreshold: 0.05, regressionThreshold: 0.2)

    @Test func tiesKeepTheEarliestIteration() {
        let records = [record(1, 0.6), record(2, 0.6), record(3, 0.6)]
        #expect(DecisionPolicy.bestIndex(records, margin: 0.05) == 0)
        #expect(DecisionPolicy.bestIndex(records, margin: 0) == 0, "even with no margin, a tie is not an improvement")
    }

    @Test func aRefinementWithinTheMarginDoesNotReplaceTheBest() {
        #expect(DecisionPolicy.bestIndex([record(1, 0.60), record(2, 0.64)], margin: 0.05) == 0)
        #expect(DecisionPolicy.bestIndex([record(1, 0.60), record(2, 0.65)], margin: 0.05) == 1)
        #expect(DecisionPolicy.bestIndex([record(1, 0.60), record(2, 0.64), record(3, 0.66)], margin: 0.05) == 2)
    }

    @Test func moreTestsPassingReplacesTheBestWhateverTheJudgeSays() {
        let records = [record(1, 0.9, tests: (2, 3)), record(2, 0.4, tests: (4, 1))]
        #expect(DecisionPolicy.bestIndex(records, margin: 0.05) == 1)
        let worse = [record(1, 0.4, tests: (4, 1)), record(2, 0.95, tests: (2, 3))]
        #expect(
            DecisionPolicy.bestIndex(worse, margin: 0.05) == 0, "fewer tests passing never wins on the judge's word")
    }

    @Test func emptyAnswersAreNeverTheBest() {
        #expect(DecisionPolicy.bestIndex([record(1, 0.9, output: ""), record(2, 0.2)], margin: 0.05) == 1)
    }

    @Test func regressionIsMeasuredFromTheBestSoFarAndTwoInARowStop() {
        // 0.48 → 0.45 is within 0.2 of the previous iteration, but both are more than 0.2 below the best.
        #expect(
            DecisionPolicy.decide([record(1, 0.7), record(2, 0.48), record(3, 0.45)], policy: p) == .abortRegression)
        // One bad attempt is undone and retried from the best, not a reason to stop.
        #expect(DecisionPolicy.decide([record(1, 0.7), record(2, 0.45)], policy: p) == .continue)
        #expect(DecisionPolicy.decide([record(1, 0.5), record(2, 0.7), record(3, 0.45)], policy: p) == .continue)
        var lenient = p
        lenient.abortOnRegression = false
        #expect(DecisionPolicy.decide([record(1, 0.7), record(2, 0.45)], policy: lenient) == .continue)
    }

    @Test func unscoredIterationsDoNotDriveARefinement() {
        #expect(DecisionPolicy.decide([record(1, nil)], policy: p) == .unscored)
        #expect(DecisionPolicy.decide([record(1, 0.5), record(2, nil)], policy: p) == .acceptBest)
        #expect(Decision.unscored.exitCode == 0)
        #expect(Decision.unscored.rawValue == "accept_unscored")
    }

    @Test func greenTestsWithoutABlockerAreAnAccept() {
        #expect(DecisionPolicy.decide([record(1, 0.4, tests: (5, 0))], policy: p) == .accept)
        #expect(DecisionPolicy.decide([record(1, 0.4, tests: (5, 0), findings: [blocker])], policy: p) == .continue)
        #expect(
            DecisionPolicy.decide([record(1, 0.95, tests: (4, 1))], policy: p) == .continue,
            "a failing test blocks accept")
    }

    @Test func plateauNeedsThreeScores() {
        #expect(DecisionPolicy.decide([record(1, 0.5), record(2, 0.51)], policy: p) == .continue)
        #expect(DecisionPolicy.decide([record(1, 0.5), record(2, 0.51), record(3, 0.52)], policy: p) == .plateau)
        #expect(DecisionPolicy.decide([record(1, 0.5), record(2, 0.51), record(3, 0.6)], policy: p) == .continue)
        #expect(DecisionPolicy.decide([record(1, 0.5), record(2, 0.51), record(3, 0.95)], policy: p) == .accept)
    }

    @Test func theAcceptedIterationIsReturnedEvenWithinTheMargin() {
        var accepted = record(2, 0.92)
        accepted.decision = .accept
        let records = [record(1, 0.9), accepted]
        #expect(DecisionPolicy.bestIndex(records, margin: 0.05) == 0)
        #expect(DecisionPolicy.returnedIndex(records, decision: .accept, margin: 0.05) == 1)
    }
}
