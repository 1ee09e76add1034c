import OpenKoiCore
import Testing

@testable import OpenKoiSkills

#if canImport(Glibc)
    import Glibc
#endif

struct SkillLibraryTests {
    /// Where each source keeps its files, relative to the test root (see `TemporaryDirectory.paths`).
    static func directory(_ source: SkillSource) -> String {
        switch source {
        case .bundled: return ""
        case .managed: return "openkoi/data/skills/managed"
        case .workspace: return "work/.agents/skills"
        case .user: return "openkoi/data/skills/user"
        case .proposed: return "openkoi/data/skills/proposed"
        }
    }

    static func load(_ root: TemporaryDirectory, environment: [String: String] = ["PATH": "/usr/bin:/bin"])
        -> SkillLibrary
    {
        SkillLibrary.load(paths: root.paths, workspace: root.workspace, environment: environment, os: "linux")
    }

    /// `openkoi status` counts without parsing the bundled skills; it must say what `load` says.
    @Test func theCensusCountsWhatLoadFinds() throws {
        let root = try TemporaryDirectory()
        try root.write(Self.directory(.managed) + "/deploy/SKILL.md", SkillText.task("deploy"))
        try root.write(Self.directory(.workspace) + "/deploy/SKILL.md", SkillText.task("deploy"))
        try root.write(Self.directory(.workspace) + "/lint/SKILL.md", SkillText.task("lint"))
        try root.write(Self.directory(.user) + "/a/SKILL.md", SkillText.task("twin"))
        try root.write(Self.directory(.user) + "/b/SKILL.md", SkillText.task("twin"))  // a clash: a warning
        try root.write(Self.directory(.user) + "/broken/SKILL.md", "---\nname: [unclosed\n---\n")
        try root.write(Self.directory(.proposed) + "/idea/SKILL.md", SkillText.task("idea"))
        let library = Self.load(root)
        let census = SkillLibrary.census(paths: root.paths, workspace: root.workspace)
        for source in SkillSource.allCases {
            #expect(census.counts[source] ?? 0 == library.entries.filter { $0.source == source }.count, "\(source)")
        }
        #expect(
            census.counts == [.bundled: BundledSkills.all.count, .managed: 1, .workspace: 2, .user: 2, .proposed: 1])
        #expect(census.warnings == library.warnings.count && census.warnings == 2, "\(library.warnings)")
    }

    /// Every combination of file sources holding a skill `deploy`: the highest wins, every lower one
    /// is shadowed by it, and a proposal never takes the name.
    @Test func precedenceMatrix() throws {
        let ordered: [SkillSource] = [.managed, .workspace, .user]
        for mask in 1..<(1 << ordered.count) {
            for withProposal in [false, true] {
                let root = try TemporaryDirectory()
                let present = ordered.indices.filter { mask & (1 << $0) != 0 }.map { ordered[$0] }
                for source in present + (withProposal ? [.proposed] : []) {
                    try root.write(
                        Self.directory(source) + "/deploy/SKILL.md", SkillText.task("deploy", body: "from \(source)"))
                }
                let library = Self.load(root)
                let label = "\(present)\(withProposal ? " + proposed" : "")"
                #expect(library.warnings.isEmpty, "\(label): \(library.warnings)")
                let winner = try #require(present.last)
                let active = try #require(library.entry(named: "deploy"), "\(label)")
                #expect(active.source == winner && active.skill.body == "from \(winner)", "\(label)")
                let deploys = library.entries.filter { $0.skill.name == "deploy" }
                #expect(deploys.count == present.count + (withProposal ? 1 : 0), "\(label)")
                for entry in deploys where entry.source != winner {
                    if entry.source == .proposed {
                        #expect(entry.shadowedBy == nil && !entry.isUsable, "\(label)")
                        #expect(entry.eligibility.reason == "proposed, not approved", "\(label)")
                    } else {
                        #expect(entry.shadowedBy?.source == winner, "\(label): \(entry.source)")
                        #expect(entry.shadowedBy?.path == root.path + "/" + Self.directory(winner) + "/deploy/SKILL.md")
                    }
                }
                #expect(library.skills.filter { $0.name == "deploy" }.count == 1, "\(label)")
            }
        }
    }

    @Test func fileSourcesReplaceBundledSkillsOfTheSameName() throws {
        let root = try TemporaryDirectory()
        try root.write(
            "openkoi/data/skills/user/my-review/SKILL.md",
            SkillText.evaluator("code-review", categories: ["code"], body: "USER RUBRIC"))
        try root.write("work/.agents/evaluators/general/SKILL.md", SkillText.evaluator("general", categories: []))
        let library = Self.load(root)
        let review = library.entries.filter { $0.skill.name == "code-review" }
        #expect(review.map(\.source) == [.bundled, .user])
        #expect(review[0].shadowedBy?.source == .user && review[1].isUsable)
        #expect(library.entry(named: "general")?.source == .workspace)
        #expect(
            library.evaluators.map(\.skill.name).sorted() == [
                "api-design", "code-review", "general", "prose-quality", "sql-safety", "test-quality",
            ])
        #expect(EvaluatorCatalog(library: library).rubric(forTask: "Fix the crash in main.swift").body == "USER RUBRIC")
    }

    @Test func aMalformedFileIsAWarningNamingFileAndLineAndTheRestStillLoad() throws {
        let root = try TemporaryDirectory()
        let bad = try root.write(
            "openkoi/data/skills/managed/broken/SKILL.md", "---\nname: broken\nmetadata:\n  categories: {x: 1}\n---\n")
        let notText = try root.write("openkoi/data/skills/user/binary/SKILL.md", "---\nname: b\n---\n")
        try [UInt8]([0x2D, 0x2D, 0x2D, 0x0A, 0xFF, 0xFE, 0x0A, 0x2D, 0x2D, 0x2D]).withUnsafeBytes { raw in
            guard let file = fopen(notText, "w") else { throw TestError("cannot open \(notText)") }
            defer { fclose(file) }
            fwrite(raw.baseAddress, 1, raw.count, file)
        }
        let huge = try root.write(
            "work/.agents/skills/huge/SKILL.md", "---\nname: huge\n---\n" + String(repeating: "x", count: 1 << 20))
        try root.write("openkoi/data/skills/managed/fine/SKILL.md", SkillText.task("fine"))
        try root.write("openkoi/data/skills/user/lower/skill.md", SkillText.task("lower"))
        try root.write("openkoi/data/skills/user/.hidden/SKILL.md", SkillText.task("hidden"))
        try root.write("openkoi/data/skills/user/empty-dir/README.md", "not a skill")
        let library = Self.load(root)
        #expect(
            library.warnings.map(\.description) == [
                "\(bad):4: metadata.categories must be a list of names",
                "\(huge): the file is \((1 << 20) + 19) bytes; a SKILL.md may be at most 1 MiB",
                "\(notText): the file is not UTF-8 text",
            ])
        let names = Set(library.skills.map(\.name))
        #expect(names.isSuperset(of: ["fine", "lower", "general", "self-iterate"]))
        #expect(!names.contains("hidden") && !names.contains("broken") && !names.contains("huge"))
    }

    @Test func twoFilesWithOneNameInOneSourceKeepTheFirstAndWarn() throws {
        let root = try TemporaryDirectory()
        let first = try root.write("openkoi/data/skills/user/a/SKILL.md", SkillText.task("same", body: "first"))
        let second = try root.write("openkoi/data/skills/user/b/SKILL.md", SkillText.task("same", body: "second"))
        let library = Self.load(root)
        #expect(library.entry(named: "same")?.skill.body == "first")
        #expect(
            library.warnings.map(\.description) == [
                "\(second): skill 'same' is already defined by \(first); this one is ignored"
            ])
        #expect(
            library.entries.first { $0.path == second }?.shadowedBy == SkillEntry.Shadow(source: .user, path: first))
    }

    @Test func workspaceEvaluatorsDefaultToTheEvaluatorKind() throws {
        let root = try TemporaryDirectory()
        try root.write(
            "work/.agents/evaluators/terraform/SKILL.md",
            "---\nmetadata:\n  categories: [terraform]\n  dimensions:\n    - {name: safety, weight: 1}\n---\nCheck plans."
        )
        let library = Self.load(root)
        let entry = try #require(library.entry(named: "terraform"))
        #expect(entry.skill.kind == .evaluator && entry.source == .workspace && entry.isUsable)
    }

    @Test func nothingInstalledIsJustTheBundledSkillsWithoutWarnings() throws {
        let root = try TemporaryDirectory()
        let library = Self.load(root)
        #expect(library.warnings.isEmpty)
        #expect(library.entries.allSatisfy { $0.source == .bundled && $0.isUsable })
        #expect(library.skills.count == BundledSkills.all.count)
    }
}
