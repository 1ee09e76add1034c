import OpenKoiCore

/// Skills compiled into the binary from `Skills/` (by the EmbedSkills build plugin).
public enum BundledSkills {
    /// Every bundled skill, parsed once. A bundled file that fails to parse is a build defect: the
    /// SkillsTests suite parses them all, so the error surfaces there rather than at a user's run.
    public static let all: [Skill] = BundledSkillSources.files.compactMap { file in
        let directory = file.path.split(separator: "/").dropLast().last.map(String.init) ?? file.path
        return try? SkillParser.parse(file.text, source: "bundled:\(file.path)", defaultName: directory)
    }

    public static var evaluators: [Skill] { all.filter { $0.kind == .evaluator } }
}
