/// Reads an LLM judge's reply. Asks nothing of the model's discipline: JSON (fenced or bare, 0–1 or
/// 0–10 scores) and the reference's `SCORES:` / `FINDINGS:` text are both accepted; anything else
/// yields `nil` so the evaluator can record it as a finding instead of guessing a score.
public enum VerdictParser {
    public struct Reading: Sendable, Hashable {
        public var dimensions: [DimensionScore]
        public var findings: [Finding]
        public var suggestion: String?
        public var missingSteps: [String]
        /// Scores the judge gave outside any scale (negative, not a number, above 100): a sign of a
        /// judge that does not follow the rubric.
        public var outOfScale: [String] = []
    }

    public static func parse(_ text: String, rubric: Rubric) -> Reading? {
        for candidate in JSONExtractor.objects(in: text) {
            if let reading = reading(fromJSON: candidate, rubric: rubric) { return reading }
        }
        return reading(fromText: text, rubric: rubric)
    }

    // MARK: JSON

    static func reading(fromJSON json: JSONValue, rubric: Rubric) -> Reading? {
        var raw: [(String, Double)] = []
        let scoreNode = json.first("scores", "dimensions", "ratings")
        switch scoreNode {
        case .object(let map)?:
            for (name, value) in map.sorted(by: { $0.key < $1.key }) {
                if let n = number(value) {
                    raw.append((name, n))
                } else if let inner = value["score"], let n = number(inner) {
                    raw.append((name, n))
                }
            }
        case .array(let items)?:
            for item in items {
                if let name = item.first("name", "dimension")?.stringValue, let inner = item["score"],
                    let n = number(inner)
                {
                    raw.append((name, n))
                }
            }
        default:
            // A flat object of rubric dimensions (`{"relevance": 0.9, …}`) also counts.
            for dim in rubric.dimensions {
                if let value = json.objectValue?.first(where: { normalized($0.key) == normalized(dim.name) })?.value,
                    let n = number(value)
                {
                    raw.append((dim.name, n))
                }
            }
        }
        let dimensions = scaled(raw, rubric: rubric)
        guard !dimensions.isEmpty else { return nil }
        let outOfScale = unscaled(raw)

        var findings: [Finding] = []
        let findingItems: [JSONValue] = json.first("findings", "issues")?.arrayValue ?? []
        for (index, item) in findingItems.enumerated() {
            let id = "F\(index + 1)"
            if let text = item.stringValue {
                findings.append(finding(fromLine: text, id: id))
            } else if let title = item.first("title", "issue", "description")?.stringValue {
                findings.append(
                    Finding(
                        id: id, severity: Severity(loose: item["severity"]?.stringValue ?? ""),
                        dimension: item["dimension"]?.stringValue ?? "", title: title,
                        description: Self.detail(item, title: title),
                        fix: item.first("fix", "suggested_fix")?.stringValue))
            }
        }
        let missing = (json["missing_steps"]?.arrayValue ?? []).compactMap(\.stringValue)
        return Reading(
            dimensions: dimensions, findings: findings, suggestion: json["suggestion"]?.stringValue,
            missingSteps: missing,
            outOfScale: outOfScale)
    }

    static func detail(_ item: JSONValue, title: String) -> String {
        guard let description = item["description"]?.stringValue, description != title else { return "" }
        return description
    }

    static func number(_ value: JSONValue) -> Double? {
        if let n = value.doubleValue { return n }
        if let s = value.stringValue { return Double(s.trimmed) }
        return nil
    }

    // MARK: SCORES / FINDINGS text

    static func reading(fromText text: String, rubric: Rubric) -> Reading? {
        enum Section { case none, scores, findings, suggestion, missing }
        var section = Section.none
        var raw: [(String, Double)] = []
        var findings: [Finding] = []
        var suggestion: [String] = []
        var missing: [String] = []
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.trimmed
            let header = line.trimming(Set("#*: ")).lowercased()
            if line.hasPrefix("#") || line.hasSuffix(":") || line.uppercased().hasPrefix("SUGGESTION:") {
                if header.hasPrefix("scores") { section = .scores; continue }
                if header.hasPrefix("findings") || header.hasPrefix("new_findings") { section = .findings; continue }
                if header.hasPrefix("missing") { section = .missing; continue }
                if header.hasPrefix("suggestion") {
                    section = .suggestion
                    if let colon = line.firstIndex(of: ":") {
                        let rest = line[line.index(after: colon)...].trimmed
                        if !rest.isEmpty { suggestion.append(rest) }
                    }
                    continue
                }
            }
            guard !line.isEmpty else { continue }
            switch section {
            case .scores:
                let item = line.trimming(Set("-*• "))
                if let colon = item.lastIndex(of: ":") {
                    let name = item[..<colon].trimming(Set("*` "))
                    let valueText = item[item.index(after: colon)...].trimmed
                    let numberText = valueText.prefix { $0.isNumber || $0 == "." }
                    if let n = Double(numberText), !name.isEmpty { raw.append((name, n)) }
                }
            case .findings:
                let item = line.trimming(Set("-*• "))
                if item.lowercased() == "none" || item.isEmpty { continue }
                findings.append(finding(fromLine: item, id: "F\(findings.count + 1)"))
            case .suggestion: suggestion.append(line)
            case .missing: missing.append(line.trimming(Set("-*• ")))
            case .none: continue
            }
        }
        let dimensions = scaled(raw, rubric: rubric)
        guard !dimensions.isEmpty else { return nil }
        return Reading(
            dimensions: dimensions, findings: findings,
            suggestion: suggestion.isEmpty ? nil : suggestion.joined(separator: " "), missingSteps: missing,
            outOfScale: unscaled(raw))
    }

    /// `[SEVERITY] title: description`, or a bare line (a suggestion).
    static func finding(fromLine line: String, id: String) -> Finding {
        var rest = Substring(line)
        var severity = Severity.suggestion
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            severity = Severity(loose: String(rest[rest.index(after: rest.startIndex)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        let body = rest.trimmed
        if let colon = body.firstIndex(of: ":") {
            let title = body[..<colon].trimmed
            let description = body[body.index(after: colon)...].trimmed
            if !title.isEmpty {
                return Finding(id: id, severity: severity, dimension: "", title: title, description: description)
            }
        }
        return Finding(id: id, severity: severity, dimension: "", title: body)
    }

    // MARK: Scaling and weights

    /// Keeps scores in 0…1; a judge that answered on a 0–10 (or 0–100) scale is rescaled as a whole.
    static func scaled(_ raw: [(String, Double)], rubric: Rubric) -> [DimensionScore] {
        let finite = raw.filter { $0.1.isFinite && $0.1 >= 0 }
        guard let maxValue = finite.map(\.1).max() else { return [] }
        let divisor: Double = maxValue > 10 ? 100 : (maxValue > 1 ? 10 : 1)
        var seen = Set<String>()
        var result: [DimensionScore] = []
        for (name, value) in finite {
            let score = value / divisor
            guard score <= 1 else { continue }
            let key = normalized(name)
            guard !key.isEmpty, seen.insert(key).inserted else { continue }
            let known = rubric.dimensions.first { normalized($0.name) == key }
            if known == nil, key == "overall" || key == "total" || key == "score" { continue }
            let weight = known?.weight ?? (rubric.dimensions.isEmpty ? 1 : 1 / Double(rubric.dimensions.count))
            result.append(DimensionScore(name: known?.name ?? name, score: score, weight: weight))
        }
        // An "overall" score alone is still a verdict.
        if result.isEmpty,
            let overall = finite.first(where: { ["overall", "total", "score"].contains(normalized($0.0)) })
        {
            let score = overall.1 / divisor
            if score <= 1 { result.append(DimensionScore(name: "overall", score: score, weight: 1)) }
        }
        return result
    }

    /// Names of raw scores that fit no scale: negative, not finite, or above the detected scale's top.
    static func unscaled(_ raw: [(String, Double)]) -> [String] {
        let finite = raw.filter { $0.1.isFinite && $0.1 >= 0 }
        let maxValue = finite.map(\.1).max() ?? 0
        let top: Double = maxValue > 10 ? 100 : (maxValue > 1 ? 10 : 1)
        return raw.filter { !$0.1.isFinite || $0.1 < 0 || $0.1 > top }.map(\.0)
    }

    static func normalized(_ name: String) -> String {
        String(name.lowercased().filter { $0.isLetter || $0.isNumber })
    }
}
