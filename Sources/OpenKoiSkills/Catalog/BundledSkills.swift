import OpenKoiCore

/// Skills and the default soul compiled into the binary from `Skills/` (by the EmbedSkills build plugin).
public enum BundledSkills {
    /// Every bundled skill, parsed on first use (never at `--version`). A bundled file that fails to
    /// parse is a build defect: BundledSkillsTests parses them all, so it surfaces there, and at run
    /// time it is a warning like any other file's.
    public static var all: [Skill] { parsed.skills }

    public static var evaluators: [Skill] { all.filter { $0.kind == .evaluator } }

    /// How many there are, without parsing them.
    static var count: Int { BundledSkillSources.files.filter { $0.path.hasSuffix("SKILL.md") }.count }

    /// The text of `Skills/soul/SOUL.md`.
    public static var soul: String { BundledSkillSources.files.first { $0.path == "soul/SOUL.md" }?.text ?? "" }

    static var warnings: [SkillParseError] { parsed.warnings }

    private static let parsed: (skills: [Skill], warnings: [SkillParseError]) = {
        var skills: [Skill] = []
        var warnings: [SkillParseError] = []
        for file in BundledSkillSources.files where file.path.hasSuffix("SKILL.md") {
            let parts = file.path.split(separator: "/")
            let directory = parts.dropLast().last.map(String.init) ?? file.path
            let kind: Skill.Kind = parts.first == "evaluators" ? .evaluator : .task
            do throws(SkillParseError) {
                skills.append(
                    try SkillParser.parse(
                        file.text, source: "bundled:\(file.path)", defaultName: directory, defaultKind: kind))
            } catch {
                warnings.append(error)
            }
        }
        return (skills, warnings)
    }()
}
