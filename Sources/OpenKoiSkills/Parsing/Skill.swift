import OpenKoiCore

/// A parsed SKILL.md: frontmatter fields the engine uses, plus the Markdown body.
public struct Skill: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case task, evaluator }

    public var name: String
    public var kind: Kind
    public var description: String
    public var categories: [String]
    public var dimensions: [Rubric.Dimension]
    public var body: String
    /// Where it came from (`bundled:evaluators/general/SKILL.md` or a file path), for error messages.
    public var source: String

    public var rubric: Rubric {
        Rubric(name: name, categories: categories, dimensions: dimensions, body: body)
    }
}

/// A SKILL.md that could not be read, naming the file and line.
public struct SkillParseError: Error, Sendable, CustomStringConvertible {
    public var source: String
    public var line: Int
    public var message: String

    public var description: String { line > 0 ? "\(source):\(line): \(message)" : "\(source): \(message)" }
}

public enum SkillParser {
    /// Parses `---`-delimited YAML frontmatter and the body after it.
    /// - Parameters:
    ///   - text: the whole SKILL.md.
    ///   - source: file path or bundled name, used in errors.
    ///   - defaultName: the directory name, used when the frontmatter has no `name`.
    public static func parse(_ text: String, source: String, defaultName: String) throws(SkillParseError) -> Skill {
        let normalized = text.replacing("\r\n", with: "\n")
        guard normalized.hasPrefix("---\n") || normalized == "---" else {
            throw SkillParseError(source: source, line: 1, message: "SKILL.md must start with a '---' frontmatter line")
        }
        let afterOpen = normalized.dropFirst(4)
        guard
            let close = afterOpen.firstRange(of: "\n---")
                ?? (afterOpen.hasPrefix("---") ? afterOpen.firstRange(of: "---") : nil)
        else {
            throw SkillParseError(source: source, line: 1, message: "frontmatter is not closed by a '---' line")
        }
        let yaml = String(afterOpen[..<close.lowerBound])
        var body = afterOpen[close.upperBound...]
        if let newline = body.firstIndex(of: "\n") { body = body[body.index(after: newline)...] } else { body = "" }

        let root: YAMLNode?
        do {
            root = try YAMLReader.parse(yaml)
        } catch {
            throw SkillParseError(source: source, line: error.line + 1, message: error.message)
        }
        guard let root, case .mapping = root else {
            throw SkillParseError(source: source, line: 2, message: "frontmatter must be a YAML mapping")
        }
        func fail(_ node: YAMLNode?, _ message: String) -> SkillParseError {
            SkillParseError(source: source, line: (node?.line ?? 1) + 1, message: message)
        }

        let kindText = root["kind"]?.scalar ?? "task"
        guard let kind = Skill.Kind(rawValue: kindText.lowercased()) else {
            throw fail(root["kind"], "kind must be 'task' or 'evaluator', got '\(kindText)'")
        }
        let metadata = root["metadata"]
        var categories: [String] = []
        if let node = metadata?["categories"] {
            guard let items = node.items else { throw fail(node, "metadata.categories must be a list") }
            categories = items.compactMap(\.scalar)
        }
        var dimensions: [Rubric.Dimension] = []
        if let node = metadata?["dimensions"] {
            guard let items = node.items else { throw fail(node, "metadata.dimensions must be a list") }
            for item in items {
                guard let name = item["name"]?.scalar, !name.isEmpty else {
                    throw fail(item, "each dimension needs a name")
                }
                guard let weightText = item["weight"]?.scalar, let weight = Double(weightText), weight >= 0,
                    weight.isFinite
                else { throw fail(item, "dimension '\(name)' needs a non-negative numeric weight") }
                dimensions.append(
                    Rubric.Dimension(name: name, weight: weight, description: item["description"]?.scalar ?? ""))
            }
        }
        if kind == .evaluator, dimensions.isEmpty {
            throw fail(root, "an evaluator needs metadata.dimensions with at least one entry")
        }
        return Skill(
            name: root["name"]?.scalar ?? defaultName, kind: kind, description: root["description"]?.scalar ?? "",
            categories: categories, dimensions: dimensions,
            body: body.trimmed, source: source)
    }
}
