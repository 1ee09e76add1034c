/// Where a skill was found. Later cases take precedence: a skill of the same name from a higher
/// source replaces the lower one (the reference's first-match lookup did the opposite).
public enum SkillSource: String, Sendable, Hashable, CaseIterable {
    /// Compiled into the binary from `Skills/`.
    case bundled
    /// `<data>/skills/managed/*/SKILL.md`, installed by tools.
    case managed
    /// `<workspace>/.agents/skills/*/SKILL.md` and `<workspace>/.agents/evaluators/*/SKILL.md`.
    case workspace
    /// `<data>/skills/user/*/SKILL.md`, the user's own (and approved proposals).
    case user
    /// `<data>/skills/proposed/*/SKILL.md` from the pattern miner: listed, never used until
    /// `openkoi learn approve` moves it to `user/`.
    case proposed

    /// Higher wins.
    public var precedence: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}

/// One SKILL.md the library found, with whether it is usable here and whether a higher source replaced it.
public struct SkillEntry: Sendable, Hashable {
    public var skill: Skill
    public var source: SkillSource
    /// The file; `bundled:<path under Skills/>` for skills in the binary.
    public var path: String
    public var eligibility: SkillEligibility
    /// The entry that replaces this one, nil when this one is in effect.
    public var shadowedBy: Shadow?

    /// Which source and file took a shadowed skill's name.
    public struct Shadow: Sendable, Hashable {
        public var source: SkillSource
        public var path: String

        public init(source: SkillSource, path: String) {
            self.source = source
            self.path = path
        }
    }

    /// Eligibility and shadowing are filled in by `SkillLibrary`.
    public init(
        skill: Skill, source: SkillSource, path: String, eligibility: SkillEligibility = .eligible,
        shadowedBy: Shadow? = nil
    ) {
        self.skill = skill
        self.source = source
        self.path = path
        self.eligibility = eligibility
        self.shadowedBy = shadowedBy
    }

    /// In effect: not replaced, and not an unapproved proposal.
    public var isActive: Bool { shadowedBy == nil && source != .proposed }
    /// In effect and usable on this machine.
    public var isUsable: Bool { isActive && eligibility.isEligible }
}
