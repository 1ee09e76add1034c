/// Finds the known key a misspelt one was probably meant to be.
enum ConfigSpelling {
    /// The candidate closest to `key` within edit distance 2 (or a third of the key's length, if
    /// larger), or one that starts with it (`warn` → `warning`).
    static func closest(to key: String, among candidates: [String]) -> String? {
        let key = key.lowercased()
        let limit = max(2, key.count / 3)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(Array(key.unicodeScalars), Array(candidate.unicodeScalars))
            let isAbbreviation = key.count >= 3 && candidate.hasPrefix(key)
            if distance <= limit || isAbbreviation, distance < best?.distance ?? .max { best = (candidate, distance) }
        }
        return best?.candidate
    }

    /// Levenshtein distance with one rolling row.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var diagonal = row[0]
            row[0] = i
            for j in 1...b.count {
                let above = row[j]
                row[j] = min(above + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1))
                diagonal = above
            }
        }
        return row[b.count]
    }
}
