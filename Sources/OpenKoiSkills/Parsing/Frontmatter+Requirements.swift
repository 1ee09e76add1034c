/// What a skill needs from the machine, gathered from every place a SKILL.md may say it.
struct SkillRequirements {
    var os: [String] = []
    var bins: [String] = []
    var anyBins: [String] = []
    var env: [String] = []
    /// The OpenClaw block it came from, kept on the skill as written.
    var openclaw: YAMLNode?

    /// OpenClaw's `darwin`/`win32` become `macos`/`windows`; repeats are dropped.
    mutating func normalize() {
        os = Frontmatter.unique(os.map(SkillEligibility.osName))
        bins = Frontmatter.unique(bins)
        anyBins = Frontmatter.unique(anyBins)
        env = Frontmatter.unique(env)
    }
}

extension Frontmatter {
    /// The OpenClaw names for its metadata block, newest first (older skills still carry the old ones).
    static let openClawBlocks = ["openclaw", "clawdbot", "clawdis", "moltbot"]

    /// Our own `metadata.os` / `requires_bins` / `requires_env`, plus the forms other tools write:
    /// `metadata.openclaw.{os, requires.bins, requires.anyBins, requires.env}` (skipped when it says
    /// `always: true`, as OpenClaw does), and a `requires` block or `os` list at the top level or
    /// directly under `metadata`. `requires.config` names OpenClaw settings and is ignored.
    func readRequirements(metadata: YAMLNode?) throws(SkillParseError) -> SkillRequirements {
        var requirements = SkillRequirements()
        requirements.os += try list(metadata?["os"], "metadata.os")
        requirements.bins += try list(metadata?["requires_bins"], "metadata.requires_bins")
        requirements.env += try list(metadata?["requires_env"], "metadata.requires_env")
        requirements.os += try list(root["os"], "os")
        try addRequires(root["requires"], field: "requires", to: &requirements)
        try addRequires(metadata?["requires"], field: "metadata.requires", to: &requirements)
        for name in Self.openClawBlocks {
            guard let block = try mapping(metadata?[name], "metadata.\(name)") else { continue }
            requirements.openclaw = block
            requirements.os += try list(block["os"], "metadata.\(name).os")
            let always = block["always"]?.bool ?? false
            if !always { try addRequires(block["requires"], field: "metadata.\(name).requires", to: &requirements) }
            break
        }
        return requirements
    }

    private func addRequires(
        _ node: YAMLNode?, field: String, to requirements: inout SkillRequirements
    ) throws(SkillParseError) {
        guard let block = try mapping(node, field) else { return }
        requirements.bins += try list(block["bins"], "\(field).bins")
        requirements.anyBins += try list(block["anyBins"] ?? block["any_bins"], "\(field).anyBins")
        requirements.env += try list(block["env"], "\(field).env")
    }
}
