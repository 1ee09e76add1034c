import OpenKoiCore
import Testing

@testable import OpenKoiSkills

struct BundledSkillsTests {
    @Test func everyBundledSkillParses() throws {
        #expect(BundledSkillSources.files.count >= 6)
        for file in BundledSkillSources.files {
            let directory = String(file.path.split(separator: "/").dropLast().last ?? "")
            _ = try SkillParser.parse(file.text, source: file.path, defaultName: directory)
        }
        #expect(BundledSkills.all.count == BundledSkillSources.files.count)
    }

    @Test func generalAndCodeReviewHaveTheReferenceWeights() throws {
        let general = try #require(BundledSkills.evaluators.first { $0.name == "general" })
        #expect(general.dimensions.map(\.name) == ["relevance", "quality", "completeness"])
        #expect(general.dimensions.map(\.weight) == [0.40, 0.35, 0.25])
        let code = try #require(BundledSkills.evaluators.first { $0.name == "code-review" })
        #expect(code.dimensions.map(\.name) == ["correctness", "safety", "style", "completeness"])
        #expect(code.dimensions.map(\.weight) == [0.40, 0.25, 0.15, 0.20])
        #expect(code.categories == ["code", "refactor", "bugfix"])
    }

    @Test func catalogPicksCodeReviewForCodeTasks() {
        let catalog = EvaluatorCatalog()
        #expect(catalog.rubric(forTask: "Fix the crash in src/api.py when the body is empty").name == "code-review")
        #expect(catalog.rubric(forTask: "What is the capital of France?").name == "general")
        #expect(catalog.rubric(forTask: "Write a migration that adds an index to the users table").name == "sql-safety")
    }
}

struct SkillParserTests {
    @Test func malformedFrontmatterNamesFileAndLine() {
        let text =
            "---\nname: x\nkind: evaluator\nmetadata:\n  dimensions:\n    - name: a\n      weight: lots\n---\nbody"
        #expect {
            try SkillParser.parse(text, source: "skills/x/SKILL.md", defaultName: "x")
        } throws: { error in
            let message = String(describing: error)
            return message.hasPrefix("skills/x/SKILL.md:") && message.contains("weight")
        }
    }

    @Test func missingOpeningDelimiterIsAnError() {
        #expect(throws: SkillParseError.self) {
            try SkillParser.parse("name: x\n", source: "s", defaultName: "x")
        }
    }

    /// Broken frontmatter is an error naming the file and line, never a crash or a silently empty skill.
    @Test(arguments: [
        ("---\n: : :\n---\n", "junk:2: did not find expected key"),
        ("---\n[unclosed\n---\n", "junk:3: did not find expected ',' or ']'"),
        ("---\n\t- a\n---", "junk:2: found character that cannot start any token"),
        ("---\nname: [a, {b: }\n---", "junk:3: did not find expected ',' or ']'"),
        ("---", "junk:1: frontmatter is not closed by a '---' line"),
    ])
    func invalidYAMLIsAnErrorNamingTheLine(junk: String, message: String) {
        #expect(throws: SkillParseError.self) { try SkillParser.parse(junk, source: "junk", defaultName: "j") }
        do {
            _ = try SkillParser.parse(junk, source: "junk", defaultName: "j")
        } catch {
            #expect("\(error)" == message)
        }
    }

    @Test func taskSkillDefaultsNameFromDirectory() throws {
        let skill = try SkillParser.parse("---\ndescription: hi\n---\n# Body\n", source: "s", defaultName: "my-skill")
        #expect(skill.name == "my-skill")
        #expect(skill.kind == .task)
        #expect(skill.body == "# Body")
    }
}
