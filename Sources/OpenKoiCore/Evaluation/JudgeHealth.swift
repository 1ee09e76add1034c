/// Spots a judge whose verdicts carry no information, so the loop stops refining on it instead of
/// churning (the 135M model scored "Paris" 0.00 on every dimension and quoted the answer back as
/// findings). A degenerate verdict is reported; its scores and findings are not used.
public enum JudgeHealth {
    /// What the judge said about one attempt, before filtering.
    public struct Reading: Sendable, Hashable {
        public var scores: [DimensionScore]
        public var outOfScale: [String]
        /// Findings the judge gave, how many of them only echoed the answer, and how many repeated
        /// another finding (or came over the review's cap).
        public var findingCount: Int
        public var echoes: Int
        public var duplicates: Int

        public init(
            scores: [DimensionScore], outOfScale: [String] = [], findingCount: Int = 0, echoes: Int = 0,
            duplicates: Int = 0
        ) {
            self.scores = scores
            self.outOfScale = outOfScale
            self.findingCount = findingCount
            self.echoes = echoes
            self.duplicates = duplicates
        }
    }

    /// Why the judge's verdict is degenerate, or `nil` when it looks usable.
    /// - Parameters:
    ///   - reading: this attempt's verdict.
    ///   - earlier: the judge's scores on the task's earlier attempts.
    public static func problem(_ reading: Reading, earlier: [[DimensionScore]]) -> String? {
        if !reading.outOfScale.isEmpty {
            return "it gave scores outside the 0–1 scale (\(reading.outOfScale.prefix(3).joined(separator: ", ")))"
        }
        let values = reading.scores.map(\.score)
        guard let first = values.first else { return nil }
        let uniform = values.count >= 2 && values.allSatisfy { abs($0 - first) < 1e-9 }
        if reading.findingCount > 0, reading.echoes == reading.findingCount {
            return "every finding only repeats the answer's own text"
        }
        if uniform, first < 0.5, reading.findingCount == reading.echoes {
            return "it scored every dimension \(NumberText.fixed(first, decimals: 2)) without saying what is wrong"
        }
        // The 135M judge scored "Paris" 0.00 everywhere with one echo, the same title three times and
        // one stray "the answer is wrong": a flat low score whose findings are mostly repeats.
        if uniform, first < 0.5, (reading.echoes + reading.duplicates) * 2 > reading.findingCount {
            return
                "it scored every dimension \(NumberText.fixed(first, decimals: 2)) and most of its findings repeat the answer or each other"
        }
        if uniform, !earlier.isEmpty,
            earlier.allSatisfy({ previous in
                previous.count == values.count && previous.allSatisfy { abs($0.score - first) < 1e-9 }
            })
        {
            return
                "it gave the same score (\(NumberText.fixed(first, decimals: 2))) on every dimension for every attempt"
        }
        return nil
    }
}
