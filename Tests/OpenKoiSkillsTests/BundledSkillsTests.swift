import OpenKoiCore
import Testing

@testable import OpenKoiSkills

struct BundledSkillsTests {
    @Test func everyBundledSkillParsesAndTheSoulIsEmbedded() throws {
        let paths = BundledSkillSources.files.map(\.path)
        #expect(
            paths == [
                "evaluators/api-design/SKILL.md", "evaluators/code-review/SKILL.md", "evaluators/general/SKILL.md",
                "evaluators/prose-quality/SKILL.md", "evaluators/sql-safety/SKILL.md",
                "evaluators/test-quality/SKILL.md", "soul/SOUL.md", "tasks/self-iterate/SKILL.md",
            ])
        #expect(BundledSkills.warnings.isEmpty, "\(BundledSkills.warnings)")
        #expect(BundledSkills.all.count == 7)
        #expect(
            BundledSkills.evaluators.map(\.name).sorted() == [
                "api-design", "code-review", "general", "prose-quality", "sql-safety", "test-quality",
            ])
        #expect(BundledSkills.soul.hasPrefix("# Soul\n"))
        #expect(BundledSkills.soul.contains("Evidence over confidence"))
    }

    @Test func generalAndCodeReviewHaveTheReferenceWeights() throws {
        let general = try #require(BundledSkills.evaluators.first { $0.name == "general" })
        #expect(general.dimensions.map(\.name) == ["relevance", "quality", "completeness"])
        #expect(general.dimensions.map(\.weight) == [0.40, 0.35, 0.25])
        let code = try #require(BundledSkills.evaluators.first { $0.name == "code-review" })
        #expect(code.dimensions.map(\.name) == ["correctness", "safety", "style", "completeness"])
        #expect(code.dimensions.map(\.weight) == [0.40, 0.25, 0.15, 0.20])
        #expect(code.categories == ["code", "refactor", "bugfix"])
        for evaluator in BundledSkills.evaluators {
            let total = evaluator.dimensions.reduce(0) { $0 + $1.weight }
            #expect(abs(total - 1) < 1e-9, "\(evaluator.name) weights sum to \(total)")
            #expect(evaluator.body.contains("## Severity guide"), "\(evaluator.name)")
        }
    }

    @Test func selfIterateIsAnInternalTaskSkillAboutThisSwiftCodeBase() throws {
        let skill = try #require(BundledSkills.all.first { $0.name == "self-iterate" })
        #expect(skill.kind == .task)
        #expect(skill.isInternal)
        #expect(skill.categories == ["self-improvement", "swift", "code", "refactor"])
        #expect(skill.source == "bundled:tasks/self-iterate/SKILL.md")
        for section in ["## Where things live", "## Invariants", "## Change protocol", "## Checklist before done"] {
            #expect(skill.body.contains(section), "missing \(section)")
        }
        #expect(skill.body.contains("OpenKoiCore") && skill.body.contains("SwiftPM"))
        #expect(!skill.body.lowercased().contains("cargo"), "self-iterate still talks about the Rust original")
    }
}
