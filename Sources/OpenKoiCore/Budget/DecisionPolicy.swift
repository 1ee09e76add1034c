/// Decides what follows an evaluated iteration, and which iteration a task returns. The rule
/// that shapes both: the loop never makes an answer worse.
///
/// - Objective signals outrank the judge: all tests passing with no blocker is an accept, and
///   more tests passing makes a later iteration the best whatever the judge says.
/// - Ties keep the earliest iteration; a later one replaces the best only when it scores higher
///   by `improvementThreshold` (the margin), and regression is measured from the best so far.
/// - An iteration that could not be scored does not drive a refinement.
public enum DecisionPolicy {
    /// - Parameter records: every iteration so far, the one just evaluated last (its `decision` is ignored).
    public static func decide(_ records: [IterationRecord], policy: TaskPolicy) -> Decision {
        guard let current = records.last else { return .failed }
        let earlier = Array(records.dropLast())
        if let verdict = current.verdict {
            if verdict.objectivelyAccepted { return .accept }
            if let score = current.score, score >= policy.qualityThreshold, !verdict.objective.hasFailures {
                return .accept
            }
        }
        guard let score = current.score else {
            return records.contains { $0.score != nil } ? .acceptBest : .unscored
        }
        // One bad attempt is undone (the next starts again from the best); two in a row is a loop
        // diverging, and the breaker stops it.
        if policy.abortOnRegression, let best = bestIndex(earlier, margin: policy.improvementThreshold),
            regressed(current, from: earlier[best], policy: policy), let previous = earlier.last,
            previous.number != earlier[best].number, regressed(previous, from: earlier[best], policy: policy)
        {
            return .abortRegression
        }
        if current.number >= policy.maxIterations { return .acceptBest }
        if isPlateau(scores: records.map(\.score), threshold: policy.improvementThreshold) { return .plateau }
        return .continue
    }

    /// `record` scores more than `regressionThreshold` below `best` and is not objectively better.
    static func regressed(_ record: IterationRecord, from best: IterationRecord, policy: TaskPolicy) -> Bool {
        guard let score = record.score, let bestScore = best.score else {
            return record.score == nil && best.score != nil
        }
        return bestScore - score > policy.regressionThreshold && !improvesObjectively(record, over: best)
    }

    /// The best score gained less than `threshold` over the last two iterations.
    static func isPlateau(scores: [Double?], threshold: Double) -> Bool {
        guard scores.count >= 3 else { return false }
        let bestBefore = scores.dropLast(2).compactMap { $0 }.max()
        let bestNow = scores.compactMap { $0 }.max()
        guard let bestBefore, let bestNow else { return false }
        return bestNow - bestBefore < threshold
    }

    /// Index of the iteration to return: the earliest non-empty one, replaced by a later one only
    /// when that is objectively better, or scores higher by at least `margin`.
    public static func bestIndex(_ records: [IterationRecord], margin: Double) -> Int? {
        guard !records.isEmpty else { return nil }
        guard var best = records.firstIndex(where: { !$0.output.trimmed.isEmpty }) else { return 0 }
        for index in records.indices where index > best && !records[index].output.trimmed.isEmpty {
            if isBetter(records[index], than: records[best], margin: margin) { best = index }
        }
        return best
    }

    /// The iteration a finished task returns: the accepted one, else the best.
    public static func returnedIndex(_ records: [IterationRecord], decision: Decision, margin: Double) -> Int? {
        if decision == .accept, let last = records.indices.last, records[last].decision == .accept { return last }
        return bestIndex(records, margin: margin)
    }

    static func isBetter(_ candidate: IterationRecord, than best: IterationRecord, margin: Double) -> Bool {
        if let a = ObjectiveRank(candidate), let b = ObjectiveRank(best) {
            if a > b { return true }
            if b > a { return false }
        }
        switch (candidate.score, best.score) {
        case (.some, nil): return true
        case (nil, _): return false
        case (let a?, let b?):
            let gain = a - b
            return margin > 0 ? gain >= margin - 1e-9 : gain > 0
        }
    }

    static func improvesObjectively(_ candidate: IterationRecord, over best: IterationRecord) -> Bool {
        guard let a = ObjectiveRank(candidate), let b = ObjectiveRank(best) else { return false }
        return a > b
    }
}

/// Objective standing of an iteration: tests green, then tests passing, then expected files fine.
struct ObjectiveRank: Comparable {
    var green: Int
    var passed: Int
    var filesFine: Int

    init?(_ record: IterationRecord) {
        guard let objective = record.verdict?.objective, objective.measuredAnything else { return nil }
        green = objective.tests?.succeeded == true ? 1 : 0
        passed = objective.tests?.passed ?? 0
        filesFine = objective.files.filter { $0.problem == nil }.count
    }

    static func < (a: ObjectiveRank, b: ObjectiveRank) -> Bool {
        (a.green, a.passed, a.filesFine) < (b.green, b.passed, b.filesFine)
    }
}
