/// Decides what follows an evaluated iteration: accept, refine, or stop (reference §2.3, with the
/// plateau stop it never built and without treating identical output as a silent stop).
public enum DecisionPolicy {
    /// - Parameters:
    ///   - scores: every iteration's score so far, this one last (`nil` = could not be scored).
    ///   - iteration: 1-based number of the iteration just evaluated.
    public static func decide(scores: [Double?], iteration: Int, policy: TaskPolicy) -> Decision {
        let current = scores.last ?? nil
        if let current, current >= policy.qualityThreshold { return .accept }
        if policy.abortOnRegression, let current, scores.count >= 2,
            let previous = scores[..<(scores.count - 1)].last(where: { $0 != nil }) ?? nil,
            previous - current > policy.regressionThreshold
        {
            return .abortRegression
        }
        if iteration >= policy.maxIterations { return .acceptBest }
        if isPlateau(scores: scores, threshold: policy.improvementThreshold) { return .plateau }
        return .continue
    }

    /// The best score gained less than `threshold` over the last two iterations.
    static func isPlateau(scores: [Double?], threshold: Double) -> Bool {
        guard scores.count >= 3 else { return false }
        let bestBefore = scores.dropLast(2).compactMap { $0 }.max()
        let bestNow = scores.compactMap { $0 }.max()
        guard let bestBefore, let bestNow else { return false }
        return bestNow - bestBefore < threshold
    }

    /// Index of the iteration to return: highest score, later wins ties; unscored ones only if nothing was scored.
    public static func bestIndex(_ records: [IterationRecord]) -> Int? {
        var best: (index: Int, score: Double)?
        for (index, record) in records.enumerated() {
            guard let score = record.score else { continue }
            if best == nil || score >= (best?.score ?? 0) { best = (index, score) }
        }
        if let best { return best.index }
        return records.lastIndex { !$0.output.isEmpty } ?? (records.isEmpty ? nil : records.count - 1)
    }
}
