import FoundationEssentials
import OpenKoiCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Every skill OpenKoi can see, resolved by precedence: bundled < managed < workspace < user, with
/// pattern-proposed skills listed but never used (reference §9.2, where the order was backwards and
/// nothing was de-duplicated).
public struct SkillLibrary: Sendable {
    /// Every SKILL.md found, in load order (lowest source first), shadowed ones included.
    public let entries: [SkillEntry]
    /// Files that were skipped, each naming the file (and line when the frontmatter is at fault).
    public let warnings: [SkillParseError]

    /// Resolves precedence and eligibility over skills already read.
    /// - Parameter entries: in load order; within one source, the first of a name wins.
    public init(
        entries: [SkillEntry], warnings: [SkillParseError] = [], environment: [String: String],
        os: String = SkillEligibility.currentOS
    ) {
        var resolved = entries
        var warnings = warnings
        var winner: [String: Int] = [:]
        for index in resolved.indices where resolved[index].source != .proposed {
            let name = resolved[index].skill.name
            guard let current = winner[name] else {
                winner[name] = index
                continue
            }
            if resolved[index].source.precedence > resolved[current].source.precedence {
                winner[name] = index
            } else if resolved[index].source == resolved[current].source {
                warnings.append(
                    SkillParseError(
                        source: resolved[index].path, line: 0,
                        message: "skill '\(name)' is already defined by \(resolved[current].path); this one is ignored")
                )
            }
        }
        for index in resolved.indices {
            let entry = resolved[index]
            resolved[index].eligibility = SkillEligibility.check(
                entry.skill, source: entry.source, environment: environment, os: os)
            if let top = winner[entry.skill.name], top != index, entry.source != .proposed {
                resolved[index].shadowedBy = SkillEntry.Shadow(source: resolved[top].source, path: resolved[top].path)
            }
        }
        self.entries = resolved
        self.warnings = warnings
    }

    /// The skills in effect (one per name, eligible or not), in load order.
    public var skills: [Skill] { entries.filter(\.isActive).map(\.skill) }

    /// The entry in effect for `name`, nil when there is none.
    public func entry(named name: String) -> SkillEntry? {
        entries.first { $0.isActive && $0.skill.name == name }
    }

    /// Evaluators in effect and usable here, with their source (for `EvaluatorCatalog`).
    public var evaluators: [SkillEntry] { entries.filter { $0.isUsable && $0.skill.kind == .evaluator } }

    /// Reads every source. Missing directories are normal (nothing installed); a file that cannot
    /// be read or parsed becomes a warning and the rest still load.
    /// - Parameters:
    ///   - workspace: the directory whose `.agents/skills` and `.agents/evaluators` are read.
    ///   - environment: for PATH and required variables.
    public static func load(
        paths: OpenKoiPaths, workspace: String, environment: [String: String],
        os: String = SkillEligibility.currentOS
    ) -> SkillLibrary {
        let files = fileSkills(paths: paths, workspace: workspace)
        return SkillLibrary(
            entries: BundledSkills.all.map { SkillEntry(skill: $0, source: .bundled, path: $0.source) } + files.entries,
            warnings: BundledSkills.warnings + files.warnings, environment: environment, os: os)
    }

    /// Skills per source and the number of warnings, as `load` gives them, for `openkoi status`: the
    /// bundled skills are counted, not parsed (BundledSkillsTests parses every one; they cannot clash
    /// with each other), which was a third of that command's own time.
    public static func census(paths: OpenKoiPaths, workspace: String) -> (counts: [SkillSource: Int], warnings: Int) {
        let files = fileSkills(paths: paths, workspace: workspace)
        let library = SkillLibrary(entries: files.entries, warnings: files.warnings, environment: [:])
        var counts: [SkillSource: Int] = [.bundled: BundledSkills.count]
        for entry in library.entries { counts[entry.source, default: 0] += 1 }
        return (counts, library.warnings.count)
    }

    /// The skills of every source but the bundled one, in precedence order.
    private static func fileSkills(paths: OpenKoiPaths, workspace: String)
        -> (entries: [SkillEntry], warnings: [SkillParseError])
    {
        let directories: [(String, SkillSource, Skill.Kind)] = [
            (paths.skillsDir + "/managed", .managed, .task),
            (workspace + "/.agents/skills", .workspace, .task),
            (workspace + "/.agents/evaluators", .workspace, .evaluator),
            (paths.skillsDir + "/user", .user, .task),
            (paths.skillsDir + "/proposed", .proposed, .task),
        ]
        var entries: [SkillEntry] = []
        var warnings: [SkillParseError] = []
        for (directory, source, kind) in directories {
            let found = SkillDirectory.read(directory, defaultKind: kind)
            entries += found.skills.map { SkillEntry(skill: $0, source: source, path: $0.source) }
            warnings += found.warnings
        }
        return (entries, warnings)
    }
}

/// Reads `<directory>/*/SKILL.md`.
enum SkillDirectory {
    /// A SKILL.md this large is not instructions for a model; reading it would only cost memory.
    static let maximumFileBytes = 1 << 20

    static func read(_ directory: String, defaultKind: Skill.Kind) -> (skills: [Skill], warnings: [SkillParseError]) {
        guard kind(of: directory) == S_IFDIR else { return ([], []) }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            return ([], [SkillParseError(source: directory, line: 0, message: "cannot list the directory: \(error)")])
        }
        var skills: [Skill] = []
        var warnings: [SkillParseError] = []
        for name in names where !name.hasPrefix(".") {
            // OpenClaw also accepts a lowercase skill.md.
            guard
                let path = ["SKILL.md", "skill.md"].map({ "\(directory)/\(name)/\($0)" }).first(where: {
                    kind(of: $0) == S_IFREG
                })
            else { continue }
            switch load(path, defaultName: name, defaultKind: defaultKind) {
            case .success(let skill): skills.append(skill)
            case .failure(let error): warnings.append(error)
            }
        }
        return (skills, warnings)
    }

    static func load(_ path: String, defaultName: String, defaultKind: Skill.Kind) -> Result<Skill, SkillParseError> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(SkillParseError(source: path, line: 0, message: "cannot read the file"))
        }
        guard data.count <= maximumFileBytes else {
            return .failure(
                SkillParseError(
                    source: path, line: 0, message: "the file is \(data.count) bytes; a SKILL.md may be at most 1 MiB"))
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            return .failure(SkillParseError(source: path, line: 0, message: "the file is not UTF-8 text"))
        }
        return Result { () throws(SkillParseError) in
            try SkillParser.parse(text, source: path, defaultName: defaultName, defaultKind: defaultKind)
        }
    }

    /// `S_IFDIR`, `S_IFREG`, … after following symlinks; nil when nothing is there.
    private static func kind(of path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & S_IFMT
    }
}
