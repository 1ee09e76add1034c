import FoundationEssentials
import OpenKoiCore
import OpenKoiSkills
import Testing

@testable import OpenKoiCLI

/// `openkoi skills`: every source in precedence order, eligibility with the reason, shadowed skills,
/// malformed files warned about on stderr while the rest are listed.
struct SkillsCommandTests {
    /// A sandbox with one skill in each source, a name defined three times, and one broken file.
    static func sandboxWithSkills() throws -> CLISandbox {
        let sandbox = try CLISandbox()
        let data = sandbox.openkoiHome + "/data/skills"
        try sandbox.writeFile(
            data + "/user/code-review/SKILL.md",
            "---\nname: code-review\nkind: evaluator\nmetadata:\n  categories: [code]\n  dimensions:\n"
                + "    - {name: correctness, weight: 1}\n---\nOur own code rubric.\n")
        for (directory, body) in [
            (data + "/managed", "managed"), (sandbox.workspace + "/.agents/skills", "workspace"),
            (data + "/user", "user"),
        ] {
            try sandbox.writeFile(
                directory + "/deploy/SKILL.md", "---\nname: deploy\nmetadata:\n  categories: [ops]\n---\n\(body)\n")
        }
        try sandbox.writeFile(
            sandbox.workspace + "/.agents/skills/gh-helper/SKILL.md",
            "---\nmetadata: {\"openclaw\": {\"requires\": {\"env\": [\"OPENKOI_TEST_GH_TOKEN\"]}}}\n---\nUse gh.\n")
        try sandbox.writeFile(data + "/proposed/new-idea/SKILL.md", "---\ndescription: mined\n---\nMaybe.\n")
        try sandbox.writeFile(
            data + "/managed/broken/SKILL.md", "---\nname: broken\nmetadata:\n  categories: {x: 1}\n---\n")
        return sandbox
    }

    @Test func listsSourcesPrecedenceEligibilityAndWarnsAboutTheBrokenFile() async throws {
        let sandbox = try Self.sandboxWithSkills()
        let run = try await sandbox.run(["skills"])
        #expect(run.exitCode == 0, "\(run.transcript)")
        let data = sandbox.openkoiHome + "/data/skills"
        let work = sandbox.workspace + "/.agents/skills"
        #expect(
            run.stdout == """
                NAME           KIND       SOURCE     EFFECTIVENESS  STATUS
                api-design     evaluator  bundled    —              eligible
                  bundled:evaluators/api-design/SKILL.md
                code-review    evaluator  user       —              eligible
                  \(data)/user/code-review/SKILL.md
                code-review    evaluator  bundled    —              shadowed by user
                  bundled:evaluators/code-review/SKILL.md
                deploy         task       user       —              eligible
                  \(data)/user/deploy/SKILL.md
                deploy         task       workspace  —              shadowed by user
                  \(work)/deploy/SKILL.md
                deploy         task       managed    —              shadowed by user
                  \(data)/managed/deploy/SKILL.md
                general        evaluator  bundled    —              eligible
                  bundled:evaluators/general/SKILL.md
                gh-helper      task       workspace  —              not eligible: needs $OPENKOI_TEST_GH_TOKEN
                  \(work)/gh-helper/SKILL.md
                new-idea       task       proposed   —              not eligible: proposed, not approved
                  \(data)/proposed/new-idea/SKILL.md
                prose-quality  evaluator  bundled    —              eligible
                  bundled:evaluators/prose-quality/SKILL.md
                self-iterate   task       bundled    —              eligible
                  bundled:tasks/self-iterate/SKILL.md
                sql-safety     evaluator  bundled    —              eligible
                  bundled:evaluators/sql-safety/SKILL.md
                test-quality   evaluator  bundled    —              eligible
                  bundled:evaluators/test-quality/SKILL.md

                """)
        #expect(
            run.stderr == "warning: \(data)/managed/broken/SKILL.md:4: metadata.categories must be a list of names\n")

        // With the variable set, the skill becomes eligible.
        let withToken = try await sandbox.run(["skills"], environment: ["OPENKOI_TEST_GH_TOKEN": "t"])
        #expect(withToken.stdout.contains("gh-helper      task       workspace  —              eligible\n"))
    }

    @Test func jsonIsOneArrayWithEveryFieldPerSkill() async throws {
        let sandbox = try Self.sandboxWithSkills()
        let run = try await sandbox.run(["skills", "--json"])
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(run.stdout.hasSuffix("]\n") && run.stdout.split(separator: "\n").count == 1)
        let rows = try #require(JSONValue.parse(run.stdout)?.arrayValue, "\(run.stdout)")
        #expect(rows.count == 13)
        let keys: Set<String> = [
            "name", "kind", "source", "path", "eligible", "reason", "shadowed_by", "categories", "effectiveness",
        ]
        #expect(rows.allSatisfy { Set($0.objectValue?.keys.map { $0 } ?? []) == keys })
        let deploy = rows.filter { $0["name"] == "deploy" }
        #expect(deploy.map { $0["source"] } == ["user", "workspace", "managed"])
        #expect(deploy.map { $0["eligible"] } == [true, false, false])
        #expect(deploy.map { $0["shadowed_by"] } == [.null, "user", "user"])
        #expect(deploy.map { $0["reason"] } == [.null, "shadowed by user", "shadowed by user"])
        #expect(deploy[0]["categories"] == ["ops"] && deploy[0]["effectiveness"] == [:])
        let helper = try #require(rows.first { $0["name"] == "gh-helper" })
        #expect(helper["reason"] == "needs $OPENKOI_TEST_GH_TOKEN" && helper["eligible"] == false)
        #expect(helper["path"] == .string(sandbox.workspace + "/.agents/skills/gh-helper/SKILL.md"))
        #expect(run.stderr.contains("broken/SKILL.md:4: metadata.categories must be a list of names"))
    }

    @Test func workspaceOptionReadsThatDirectory() async throws {
        let sandbox = try CLISandbox()
        let other = sandbox.root + "/other"
        try sandbox.writeFile(
            other + "/.agents/evaluators/terraform/SKILL.md",
            """
            ---
            metadata:
              categories: [terraform]
              dimensions: [{name: safety, weight: 1}]
            ---
            Check the plan.
            """)
        let run = try await sandbox.run(["skills", "--workspace", other])
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(
            run.stdout.contains(
                "terraform      evaluator  workspace  —              eligible\n  \(other)/.agents/evaluators/terraform/SKILL.md\n"
            ), "\(run.stdout)")
        let cwd = try await sandbox.run(["skills"])
        #expect(!cwd.stdout.contains("terraform"))

        let missing = try await sandbox.run(["skills", "--workspace", sandbox.root + "/nope"])
        #expect(missing.exitCode == 64)
        #expect(missing.stderr.contains("--workspace \(sandbox.root)/nope: no such directory"), "\(missing.stderr)")
    }
}

/// The effectiveness column, fed the way the usage store will feed it.
struct SkillListingTests {
    @Test func effectivenessPrintsPerCategoryInTextAndJSON() throws {
        let library = SkillLibrary(
            entries: [
                SkillEntry(skill: Skill(name: "go-style", categories: ["code"]), source: .user, path: "/u/SKILL.md")
            ],
            environment: [:], os: "linux")
        let stats = [
            "go-style": [
                "sql": SkillEffectiveness(avgScore: 0.5, samples: 2),
                "code": SkillEffectiveness(avgScore: 0.84, samples: 7),
            ]
        ]
        let rows = SkillListing.rows(library, effectiveness: stats)
        #expect(
            SkillListing.table(rows) == """
                NAME      KIND       SOURCE     EFFECTIVENESS                STATUS
                go-style  task       user       code 0.84 (7), sql 0.50 (2)  eligible
                  /u/SKILL.md

                """)
        let json = try #require(JSONValue.parse(SkillListing.jsonText(rows))?[0])
        #expect(
            json["effectiveness"] == [
                "code": ["avg_score": 0.84, "samples": 7], "sql": ["avg_score": 0.5, "samples": 2],
            ])
    }
}

extension CLISandbox {
    /// Writes `text` at an absolute path, creating its directories.
    func writeFile(_ path: String, _ text: String) throws {
        let parent = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw CLITestError("cannot write \(path)")
        }
    }
}
