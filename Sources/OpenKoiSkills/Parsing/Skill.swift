import OpenKoiCore

/// A parsed SKILL.md: frontmatter fields the engine uses, plus the Markdown body.
public struct Skill: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case task, evaluator }

    public var name: String
    public var kind: Kind
    public var description: String
    /// Task categories the skill is for (`code`, `sql`, …), lowercased.
    public var categories: [String]
    /// An evaluator's weighted scoring dimensions (empty for task skills).
    public var dimensions: [Rubric.Dimension]
    /// Operating systems it runs on (`linux`, `macos`, `windows`); empty means any.
    public var os: [String]
    /// Commands that must all be on PATH.
    public var requiresBins: [String]
    /// Commands of which at least one must be on PATH (OpenClaw's `requires.anyBins`).
    public var requiresAnyBins: [String]
    /// Environment variables that must be set and non-empty.
    public var requiresEnv: [String]
    public var trigger: SkillTrigger?
    public var schemaVersion: Int
    /// Used only when a task names it (`metadata.openkoi.internal: true`, or OpenClaw's
    /// `disable-model-invocation: true`): `self-iterate` must not steer ordinary code tasks.
    public var isInternal: Bool
    /// `metadata.openclaw` and `metadata.openkoi` as written, for tools that read more of them.
    public var openclaw: JSONValue?
    public var openkoi: JSONValue?
    public var body: String
    /// Where it came from (`bundled:evaluators/general/SKILL.md` or a file path), for error messages.
    public var source: String

    public init(
        name: String, kind: Kind = .task, description: String = "", categories: [String] = [],
        dimensions: [Rubric.Dimension] = [], os: [String] = [], requiresBins: [String] = [],
        requiresAnyBins: [String] = [], requiresEnv: [String] = [], trigger: SkillTrigger? = nil,
        schemaVersion: Int = 1, isInternal: Bool = false, openclaw: JSONValue? = nil, openkoi: JSONValue? = nil,
        body: String = "", source: String = ""
    ) {
        self.name = name
        self.kind = kind
        self.description = description
        self.categories = categories
        self.dimensions = dimensions
        self.os = os
        self.requiresBins = requiresBins
        self.requiresAnyBins = requiresAnyBins
        self.requiresEnv = requiresEnv
        self.trigger = trigger
        self.schemaVersion = schemaVersion
        self.isInternal = isInternal
        self.openclaw = openclaw
        self.openkoi = openkoi
        self.body = body
        self.source = source
    }

    public var rubric: Rubric {
        Rubric(name: name, categories: categories, dimensions: dimensions, body: body)
    }
}

/// When a skill runs on its own (`metadata.trigger`): a type such as `cron` and its schedule as written.
public struct SkillTrigger: Sendable, Hashable {
    public var type: String
    public var schedule: JSONValue?

    public init(type: String, schedule: JSONValue? = nil) {
        self.type = type
        self.schedule = schedule
    }
}

/// A SKILL.md that could not be read, naming the file and line.
public struct SkillParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public var source: String
    /// 1-based; 0 when the problem is the file as a whole (unreadable, too large).
    public var line: Int
    public var message: String

    public init(source: String, line: Int, message: String) {
        self.source = source
        self.line = line
        self.message = message
    }

    public var description: String { line > 0 ? "\(source):\(line): \(message)" : "\(source): \(message)" }
}
