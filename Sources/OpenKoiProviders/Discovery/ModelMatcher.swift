import OpenKoiCore

/// Checks a requested model id against a provider's list (reference §3.5, without its silent
/// fallback): exact, then case-insensitive, then the one listed id the request is a prefix of.
/// Anything else is an error with the closest ids, so a typo never runs on another model.
public enum ModelMatcher {
    public enum Match: Equatable, Sendable {
        case exact(String)
        /// The request named a listed model loosely (`claude-sonnet-4` → `claude-sonnet-4-20250514`).
        case corrected(String)
        case unknown(suggestions: [String])
    }

    public static func match(_ requested: String, in ids: [String]) -> Match {
        if ids.contains(requested) { return .exact(requested) }
        let lower = requested.lowercased()
        if let same = ids.first(where: { $0.lowercased() == lower }) { return .corrected(same) }
        // Only a listed id that extends the request: the reverse (`gpt-4.1-mini` → `gpt-4.1`) would
        // silently run a different model.
        let extensions = ids.filter { $0.lowercased().hasPrefix(lower) }
        if extensions.count == 1, let only = extensions.first { return .corrected(only) }
        return .unknown(suggestions: suggestions(for: requested, in: ids))
    }

    /// Up to five ids by Jaro-Winkler similarity above 0.7, best first.
    public static func suggestions(for requested: String, in ids: [String], limit: Int = 5) -> [String] {
        let lower = requested.lowercased()
        var scored: [(id: String, score: Double)] = []
        for id in ids {
            let score = jaroWinkler(lower, id.lowercased())
            if score > 0.7 { scored.append((id, score)) }
        }
        scored.sort { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
        return scored.prefix(limit).map(\.id)
    }

    static func jaroWinkler(_ a: String, _ b: String) -> Double {
        let s = Array(a.utf8)
        let t = Array(b.utf8)
        if s.isEmpty && t.isEmpty { return 1 }
        if s.isEmpty || t.isEmpty { return 0 }
        let window = max(max(s.count, t.count) / 2 - 1, 0)
        var sMatched = [Bool](repeating: false, count: s.count)
        var tMatched = [Bool](repeating: false, count: t.count)
        var matches = 0
        for i in s.indices {
            let low = max(0, i - window)
            let high = min(t.count - 1, i + window)
            guard low <= high else { continue }
            for j in low...high where !tMatched[j] && s[i] == t[j] {
                sMatched[i] = true
                tMatched[j] = true
                matches += 1
                break
            }
        }
        guard matches > 0 else { return 0 }
        var transpositions = 0
        var j = 0
        for i in s.indices where sMatched[i] {
            while !tMatched[j] { j += 1 }
            if s[i] != t[j] { transpositions += 1 }
            j += 1
        }
        let m = Double(matches)
        let halfTranspositions = Double(transpositions / 2)
        let first: Double = m / Double(s.count)
        let second: Double = m / Double(t.count)
        let third: Double = (m - halfTranspositions) / m
        let jaro = (first + second + third) / 3
        var prefix = 0
        while prefix < min(4, s.count, t.count), s[prefix] == t[prefix] { prefix += 1 }
        return jaro + Double(prefix) * 0.1 * (1 - jaro)
    }
}
