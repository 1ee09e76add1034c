import OpenKoiCore

/// Reads SKILL.md files: OpenKoi's frontmatter (reference §9.1) and the Agent Skills / OpenClaw forms
/// (`metadata.openclaw.requires`, top-level `requires` and `os`, `metadata` as a JSON string).
public enum SkillParser {
    /// Parses `---`-delimited YAML frontmatter and the body after it.
    /// - Parameters:
    ///   - text: the whole SKILL.md.
    ///   - source: file path or bundled name, used in errors.
    ///   - defaultName: the directory name, used when the frontmatter has no `name`.
    ///   - defaultKind: the kind when the frontmatter has none (`evaluator` for `.agents/evaluators/`).
    /// - Throws: `SkillParseError` naming `source` and the line; never crashes on any input.
    public static func parse(
        _ text: String, source: String, defaultName: String, defaultKind: Skill.Kind = .task
    ) throws(SkillParseError) -> Skill {
        let (yaml, body) = try split(text, source: source)
        let root: YAMLNode
        do {
            root = try YAMLReader.parse(yaml) ?? .mapping([], line: 1)
        } catch {
            throw SkillParseError(source: source, line: error.line + 1, message: error.message)
        }
        let frontmatter = Frontmatter(source: source, root: root)
        return try frontmatter.skill(defaultName: defaultName, defaultKind: defaultKind, body: body)
    }

    /// The YAML between the opening `---` line and the next line starting with `---`, and the
    /// trimmed body after it.
    static func split(_ text: String, source: String) throws(SkillParseError) -> (yaml: String, body: String) {
        // On UTF-8 bytes, not Characters: grapheme-by-grapheme splitting was most of the bundled skills'
        // parse at startup. Cutting at LF bytes keeps every piece valid UTF-8.
        let normalized = text.utf8.contains(13) ? text.replacing("\r\n", with: "\n") : text
        var bytes = Array(normalized.utf8)[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        let lines = bytes.split(separator: 10, omittingEmptySubsequences: false)
        let blank: (UInt8) -> Bool = { $0 == 32 || $0 == 9 }
        guard let first = lines.first,
            first.drop(while: blank).reversed().drop(while: blank).elementsEqual("---".utf8)  // a palindrome
        else {
            throw SkillParseError(source: source, line: 1, message: "SKILL.md must start with a '---' frontmatter line")
        }
        guard let close = lines.indices.dropFirst().first(where: { lines[$0].starts(with: "---".utf8) }) else {
            throw SkillParseError(source: source, line: 1, message: "frontmatter is not closed by a '---' line")
        }
        // The lines between, with the LFs between them; the body is everything after the closing line's LF.
        let yaml = close > 1 ? bytes[lines[1].startIndex..<lines[close - 1].endIndex] : []
        let body = close + 1 < lines.count ? bytes[lines[close + 1].startIndex...] : []
        return (String(decoding: yaml, as: UTF8.self), String(decoding: body, as: UTF8.self).trimmed)
    }
}

/// One frontmatter document being turned into a `Skill`; every error names the file line.
struct Frontmatter {
    let source: String
    let root: YAMLNode

    func fail(_ node: YAMLNode?, _ message: String) -> SkillParseError {
        SkillParseError(source: source, line: (node?.line ?? 1) + 1, message: message)
    }

    func skill(defaultName: String, defaultKind: Skill.Kind, body: String) throws(SkillParseError) -> Skill {
        guard case .mapping = root else { throw fail(root, "frontmatter must be a YAML mapping") }
        let kind = try readKind(default: defaultKind)
        let name = try readName(default: defaultName)
        let description = try text(root["description"], "description")?.trimmed ?? ""
        let metadata = try readMetadata()
        let categories = try list(metadata?["categories"], "metadata.categories").map { $0.lowercased() }
        let dimensions = try readDimensions(metadata?["dimensions"])
        if kind == .evaluator, dimensions.isEmpty {
            throw fail(root, "an evaluator needs metadata.dimensions with at least one entry")
        }
        var requirements = try readRequirements(metadata: metadata)
        requirements.normalize()
        let openkoi = try mapping(metadata?["openkoi"], "metadata.openkoi")
        let internalFlag = openkoi?["internal"]
        if let internalFlag, !internalFlag.isNull, internalFlag.bool == nil {
            throw fail(internalFlag, "metadata.openkoi.internal must be true or false")
        }
        let hiddenFromModel = root["disable-model-invocation"]?.bool ?? false
        let trigger = try readTrigger(metadata?["trigger"])
        let schemaVersion = try readSchemaVersion(metadata)
        return Skill(
            name: name, kind: kind, description: description, categories: Self.unique(categories),
            dimensions: dimensions, os: requirements.os, requiresBins: requirements.bins,
            requiresAnyBins: requirements.anyBins, requiresEnv: requirements.env,
            trigger: trigger, schemaVersion: schemaVersion,
            isInternal: internalFlag?.bool == true || hiddenFromModel, openclaw: requirements.openclaw?.json,
            openkoi: openkoi?.json, body: body, source: source)
    }

    // MARK: Fields

    func readKind(default defaultKind: Skill.Kind) throws(SkillParseError) -> Skill.Kind {
        guard let kindText = try text(root["kind"], "kind")?.trimmed, !kindText.isEmpty else { return defaultKind }
        guard let kind = Skill.Kind(rawValue: kindText.lowercased()) else {
            throw fail(root["kind"], "kind must be 'task' or 'evaluator', got '\(kindText)'")
        }
        return kind
    }

    func readName(default defaultName: String) throws(SkillParseError) -> String {
        guard let name = try text(root["name"], "name")?.trimmed, !name.isEmpty else { return defaultName }
        guard !name.contains(where: { $0.isNewline || $0 == "/" }), name.count <= 128 else {
            throw fail(root["name"], "name must be one line of at most 128 characters without '/'")
        }
        return name
    }

    /// `metadata` as a mapping; OpenClaw also writes it as a one-line JSON string, parsed here.
    func readMetadata() throws(SkillParseError) -> YAMLNode? {
        guard let node = root["metadata"], !node.isNull else { return nil }
        switch node {
        case .mapping: return node
        case .sequence: throw fail(node, "metadata must be a mapping")
        case .scalar(let text, let line, _):
            let parsed: YAMLNode?
            do {
                parsed = try YAMLReader.parse(text)
            } catch {
                throw fail(node, "metadata is text that is not a JSON or YAML mapping: \(error.message)")
            }
            guard let parsed, case .mapping = parsed else { throw fail(node, "metadata must be a mapping") }
            // Lines inside the string are meaningless in the file; errors point at `metadata:`.
            return parsed.relined(to: line)
        }
    }

    func readDimensions(_ node: YAMLNode?) throws(SkillParseError) -> [Rubric.Dimension] {
        guard let node, !node.isNull else { return [] }
        guard let items = node.items else { throw fail(node, "metadata.dimensions must be a list") }
        var dimensions: [Rubric.Dimension] = []
        for item in items {
            guard let name = item["name"]?.text?.trimmed, !name.isEmpty else {
                throw fail(item, "each dimension needs a name")
            }
            guard let weightText = item["weight"]?.scalar, let weight = YAMLNode.number(weightText), weight >= 0 else {
                throw fail(item, "dimension '\(name)' needs a non-negative numeric weight")
            }
            let description = try text(item["description"], "dimension '\(name)' description") ?? ""
            dimensions.append(Rubric.Dimension(name: name, weight: weight, description: description))
        }
        return dimensions
    }

    func readTrigger(_ node: YAMLNode?) throws(SkillParseError) -> SkillTrigger? {
        guard let node, !node.isNull else { return nil }
        guard case .mapping = node, let type = node["type"]?.text?.trimmed, !type.isEmpty else {
            throw fail(node, "metadata.trigger must be a mapping with a 'type'")
        }
        return SkillTrigger(type: type, schedule: node["schedule"].map(\.json))
    }

    func readSchemaVersion(_ metadata: YAMLNode?) throws(SkillParseError) -> Int {
        guard let node = metadata?["schema_version"], !node.isNull else { return 1 }
        guard let text = node.scalar, let version = Int(text.trimmed), version >= 1 else {
            throw fail(node, "metadata.schema_version must be a whole number of 1 or more")
        }
        return version
    }

    // MARK: Value readers

    func text(_ node: YAMLNode?, _ field: String) throws(SkillParseError) -> String? {
        guard let node, !node.isNull else { return nil }
        guard let text = node.scalar else { throw fail(node, "\(field) must be text") }
        return text
    }

    func list(_ node: YAMLNode?, _ field: String) throws(SkillParseError) -> [String] {
        guard let node else { return [] }
        guard let list = node.stringList else { throw fail(node, "\(field) must be a list of names") }
        return list
    }

    func mapping(_ node: YAMLNode?, _ field: String) throws(SkillParseError) -> YAMLNode? {
        guard let node, !node.isNull else { return nil }
        guard case .mapping = node else { throw fail(node, "\(field) must be a mapping") }
        return node
    }

    static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}

extension YAMLNode {
    /// The same tree with every node on `line` (for YAML parsed out of a string value).
    func relined(to line: Int) -> YAMLNode {
        switch self {
        case .scalar(let text, _, let plain): return .scalar(text, line: line, plain: plain)
        case .sequence(let items, _): return .sequence(items.map { $0.relined(to: line) }, line: line)
        case .mapping(let pairs, _):
            return .mapping(pairs.map { (key: $0.key, value: $0.value.relined(to: line)) }, line: line)
        }
    }
}
