import FoundationEssentials
import OpenKoiCore

/// The detectors of reference §8.3, over task events oldest first, with `[patterns]` thresholds
/// instead of the original's hard-coded 0.6 / 3, plus recurrences of the same task text.
enum PatternDetectors {
    /// Confidence never reaches certainty: a habit seen is not a habit promised.
    static let confidenceCap = 0.95
    /// An hour holding more than this share of all events is a time-of-day habit.
    static let hourShare = 0.3
    /// Two tasks further apart than this are not steps of one workflow.
    static let workflowGap: TimeInterval = 4 * 3600
    /// Examples kept in a pattern's evidence.
    static let exampleCount = 5

    static func all(_ events: [UsageEvent], thresholds: PatternThresholds) -> [DetectedPattern] {
        (recurring(events, thresholds.minSamples) + timeBased(events, thresholds.minSamples)
            + workflow(events, thresholds.minSamples) + recurringTasks(events, thresholds.minSamples))
            .filter { $0.confidence >= thresholds.minConfidence && $0.sampleCount >= thresholds.minSamples }
    }

    /// Tasks of one category: confidence is its share of all events.
    static func recurring(_ events: [UsageEvent], _ minSamples: Int) -> [DetectedPattern] {
        let groups = Dictionary(grouping: events.filter { $0.category != nil }) { $0.category ?? "" }
        return groups.sorted { $0.key < $1.key }.compactMap { category, group in
            guard group.count >= minSamples else { return nil }
            return pattern(
                .recurring, "\(category) tasks", frequency: frequency(group),
                confidence: Double(group.count) / Double(events.count), group,
                extra: ["category": .string(category)])
        }
    }

    /// An hour (UTC) with more than `hourShare` of all events.
    static func timeBased(_ events: [UsageEvent], _ minSamples: Int) -> [DetectedPattern] {
        let groups = Dictionary(grouping: events, by: \.hour)
        return groups.sorted { $0.key < $1.key }.compactMap { hour, group in
            let share = Double(group.count) / Double(events.count)
            guard share > hourShare, group.count >= minSamples else { return nil }
            let label = (hour < 10 ? "0" : "") + "\(hour):00"
            return pattern(
                .timeBased, "Tasks concentrated at \(label) UTC", frequency: "daily around \(label) UTC",
                confidence: share, group, extra: ["hour": .number(Double(hour))])
        }
    }

    /// A task of category A directly followed (within `workflowGap`) by one of category B ≠ A.
    /// Confidence is twice the pair's share of all events, as in the original.
    static func workflow(_ events: [UsageEvent], _ minSamples: Int) -> [DetectedPattern] {
        guard events.count >= 2 * minSamples else { return [] }
        var pairs: [String: (from: String, to: String, events: [UsageEvent], count: Int)] = [:]
        for (earlier, later) in zip(events, events.dropFirst()) {
            guard let from = earlier.category, let to = later.category, from != to,
                later.timestamp.timeIntervalSince(earlier.timestamp) <= workflowGap
            else { continue }
            let key = "\(from) -> \(to)"
            // Mutated in place: a copy out and back would copy the event list on every pair.
            pairs[key, default: (from, to, [], 0)].events += [earlier, later]
            pairs[key, default: (from, to, [], 0)].count += 1
        }
        return pairs.sorted { $0.key < $1.key }.compactMap { key, entry in
            guard entry.count >= minSamples else { return nil }
            var found = pattern(
                .workflow, key, frequency: "\(entry.count)x observed",
                confidence: Double(entry.count) * 2 / Double(events.count), entry.events,
                extra: ["from": .string(entry.from), "to": .string(entry.to)])
            found.sampleCount = entry.count
            return found
        }
    }

    /// The same task shape on several days. Confidence grows with the distinct days it was asked on,
    /// d / (d + 1): asked again in one sitting (a retry) is not a recurrence, so one day is never enough.
    static func recurringTasks(_ events: [UsageEvent], _ minSamples: Int) -> [DetectedPattern] {
        var groups: [String: [UsageEvent]] = [:]
        // The same text is asked again and again (that is the point): each is shaped once.
        var shapes: [String: String?] = [:]
        for event in events {
            let shape: String?
            if let known = shapes[event.description] {
                shape = known
            } else {
                shape = TaskShape.of(event.description)
                shapes[event.description] = .some(shape)
            }
            guard let shape else { continue }
            groups[shape, default: []].append(event)
        }
        return groups.sorted { $0.key < $1.key }.compactMap { shape, group in
            let days = Set(group.map(\.day)).count
            guard group.count >= minSamples, days >= 2 else { return nil }
            let categories = Set(group.compactMap(\.category)).sorted()
            return pattern(
                .recurringTask, shape, frequency: frequency(group), confidence: Double(days) / Double(days + 1),
                group, extra: ["categories": .array(categories.map(JSONValue.string))])
        }
    }

    /// From the distinct weekdays: 5 or more "daily", 2–4 "Nx/week", else "weekly" (the original's rule).
    static func frequency(_ events: [UsageEvent]) -> String {
        let weekdays = Set(events.map(\.weekday)).count
        if weekdays >= 5 { return "daily" }
        if weekdays >= 2 { return "\(weekdays)x/week" }
        return "weekly"
    }

    private static func pattern(
        _ type: PatternType, _ description: String, frequency: String, confidence: Double, _ events: [UsageEvent],
        extra: [String: JSONValue]
    ) -> DetectedPattern {
        var examples: [String] = []
        for event in events.reversed() where !event.description.isEmpty {
            let text = String(event.description.prefix(200))
            if !examples.contains(text) { examples.append(text) }
            if examples.count == exampleCount { break }
        }
        var evidence: [String: JSONValue] = [
            "events": .number(Double(Set(events.map(\.id)).count)),
            "days": .number(Double(Set(events.map(\.day)).count)),
            "weekdays": .array(Set(events.map(\.weekday)).sorted().map { .number(Double($0)) }),
            "hours": .array(Set(events.map(\.hour)).sorted().map { .number(Double($0)) }),
            "examples": .array(examples.map(JSONValue.string)),
        ]
        if extra["categories"] == nil {
            evidence["categories"] = .array(Set(events.compactMap(\.category)).sorted().map(JSONValue.string))
        }
        evidence.merge(extra) { _, new in new }
        let times = events.map(\.timestamp)
        return DetectedPattern(
            type: type, description: description, frequency: frequency, confidence: min(confidenceCap, confidence),
            sampleCount: events.count, firstSeen: times.min() ?? Date(timeIntervalSince1970: 0),
            lastSeen: times.max() ?? Date(timeIntervalSince1970: 0), evidence: .object(evidence))
    }
}
