import OpenKoiCore
import Testing

@testable import OpenKoiSkills

struct SkillSelectorTests {
    static let library = SkillLibrary.of([
        (.bundled, Skill(name: "deploy-helm", categories: ["deploy", "kubernetes"], body: "Helm steps.")),
        (.managed, Skill(name: "sql-tuning", categories: ["sql"], body: "Read the plan.")),
        (.user, Skill(name: "python-style", categories: ["code"], body: "PEP 8.")),
        (.workspace, Skill(name: "go-style", categories: ["code"], body: "gofmt.")),
        (.bundled, Skill(name: "secret", categories: ["code"], isInternal: true, body: "Internal.")),
        (.user, Skill(name: "needs-env", categories: ["code"], requiresEnv: ["OPENKOI_TEST_UNSET"], body: "x")),
        (.bundled, Skill(name: "code-review", kind: .evaluator, categories: ["code"], body: "rubric")),
        (.proposed, Skill(name: "proposed-one", categories: ["code"], body: "maybe")),
    ])

    func select(
        _ task: String, category: String = "general", effectiveness: [String: SkillEffectiveness] = [:],
        similarity: [String: Double] = [:], limit: Int = 3
    ) -> [SkillSelection] {
        SkillSelector.select(
            task: task, category: category, library: Self.library, effectiveness: effectiveness,
            similarity: similarity, limit: limit)
    }

    func summary(_ selections: [SkillSelection]) -> [String] {
        selections.map {
            "\($0.skill.name) \(NumberText.fixed($0.score, decimals: 3)) \($0.reasons.joined(separator: ", "))"
        }
    }

    @Test func aSkillNamedInTheTaskIsChosenWithOrWithoutItsHyphens() {
        #expect(summary(select("Use deploy-helm to roll out v2")) == ["deploy-helm 1.000 named in the task"])
        #expect(summary(select("deploy helm charts for staging")) == ["deploy-helm 1.000 named in the task"])
        #expect(select("redeploy-helmet the cluster").isEmpty)
        #expect(select("DEPLOY-HELM now").map(\.skill.name) == ["deploy-helm"])
    }

    @Test func categoryMatchesRankByNameOnTiesAndSkipWhatCannotBeUsed() {
        // secret is internal, needs-env is not eligible, code-review is an evaluator, proposed-one unapproved.
        #expect(
            summary(select("speed this up", category: "code")) == [
                "go-style 0.300 category code", "python-style 0.300 category code",
            ])
    }

    @Test func internalSkillsOnlyWhenNamed() {
        #expect(
            summary(select("run secret on this", category: "code")).first
                == "secret 1.300 named in the task, category code")
        #expect(!select("secrets management", category: "code").contains { $0.skill.name == "secret" })
    }

    @Test func similarityCountsAboveTheNoiseFloor() {
        let chosen = select("make the report query quicker", similarity: ["sql-tuning": 0.62, "go-style": 0.1])
        #expect(summary(chosen) == ["sql-tuning 0.310 similar to the task (0.62)"])
    }

    @Test func historyWeightedBySamplesRaisesGoodSkillsAndDropsBadOnes() {
        let chosen = select(
            "tidy the module", category: "code",
            effectiveness: [
                "python-style": SkillEffectiveness(avgScore: 0.84, samples: 7),
                "go-style": SkillEffectiveness(avgScore: 0.2, samples: 10),
            ])
        #expect(summary(chosen) == ["python-style 0.443 category code, avg 0.84 over 7 code tasks"])
        let once = select(
            "x", category: "sql", effectiveness: ["sql-tuning": SkillEffectiveness(avgScore: 1, samples: 1)])
        #expect(summary(once) == ["sql-tuning 0.330 category sql, avg 1.00 over 1 sql task"])
    }

    @Test func rankingCombinesSignalsAndRespectsTheLimit() {
        let chosen = select(
            "use go-style and deploy-helm", category: "code", similarity: ["python-style": 0.9, "sql-tuning": 0.3],
            limit: 3)
        #expect(
            summary(chosen) == [
                "go-style 1.300 named in the task, category code",
                "deploy-helm 1.000 named in the task",
                "python-style 0.750 category code, similar to the task (0.90)",
            ])
        #expect(select("use go-style", category: "code", limit: 0).isEmpty)
        #expect(select("use go-style", category: "code", limit: 1).map(\.skill.name) == ["go-style"])
    }
}
