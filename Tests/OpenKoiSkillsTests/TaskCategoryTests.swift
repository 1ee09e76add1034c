import OpenKoiCore
import Testing

@testable import OpenKoiSkills

struct TaskCategoryTests {
    /// `task | workspace files (comma-separated, - for none) | category | evaluator`
    static let table = """
        What is the capital of France? | - | general | general
        Fix the crash in src/api.py when the body is empty | - | bugfix | code-review
        Write a migration that adds an index to the users table | - | migration | sql-safety
        Refactor the parser to remove the duplicated branches | - | refactor | code-review
        Implement a function that reverses a linked list in Python | - | code | code-review
        Summarize this article in three bullet points | - | summary | prose-quality
        Write a blog post announcing our 1.0 release | - | writing | prose-quality
        Update the README with the new install steps | - | readme | prose-quality
        Design a REST API endpoint for creating users | - | rest | api-design
        Add a GraphQL resolver for orders | - | graphql | api-design
        Write unit tests for the date parser | - | test | test-quality
        Increase test coverage for the billing module | - | test | test-quality
        Write an integration test for the login flow | - | integration-test | test-quality
        Explain the difference between TCP and UDP | Sources/App/main.swift | general | general
        Who wrote Hamlet? | Sources/App/main.swift | general | general
        make it faster | Sources/App/main.swift, Sources/App/Model.swift, Package.swift, README.md | code | code-review
        make it faster | schema.sql, queries/report.sql, README.md | sql | sql-safety
        make it faster | - | general | general
        Add caching here | app.py, util.py | code | code-review
        Clean up the queries in reports.sql | - | sql | sql-safety
        Optimize the slow SQL query behind the dashboard | - | sql | sql-safety
        Write a Postgres migration to rename the email column | - | migration | sql-safety
        Add pagination to the /v1/orders endpoint | - | endpoint | api-design
        Why does my program crash with a segfault? | - | bugfix | code-review
        Rename the variable x to count in main.rs | - | refactor | code-review
        Draft an email to the team about the outage | - | writing | prose-quality
        Translate this paragraph into German | app.py | writing | prose-quality
        Give me a recap of yesterday's meeting notes | - | summary | prose-quality
        Design the database schema for a blog | - | schema | sql-safety
        Write the documentation for the deployment process | - | documentation | prose-quality
        """

    @Test func categoryAndEvaluatorForEachTask() throws {
        let rows = Self.table.split(separator: "\n")
        #expect(rows.count >= 25)
        for row in rows {
            let fields = row.split(separator: "|").map(\.trimmed)
            try #require(fields.count == 4, "bad row: \(row)")
            let files = fields[1] == "-" ? [] : fields[1].split(separator: ",").map(\.trimmed)
            let catalog = EvaluatorCatalog(workspaceFiles: files)
            #expect(TaskCategory.detect(task: fields[0], workspaceFiles: files) == fields[2], "\(fields[0])")
            #expect(catalog.category(forTask: fields[0]) == fields[2], "\(fields[0])")
            #expect(catalog.rubric(forTask: fields[0]).name == fields[3], "\(fields[0])")
        }
    }

    @Test func wordsInsideFileNamesAreNotTaskWords() {
        // `api.py` is a Python file, not an API design task; `README.md` still says readme.
        #expect(TaskCategory.scores(task: "tidy up api.py", workspaceFiles: []) == ["code": 1])
        #expect(TaskCategory.detect(task: "proofread README.md", workspaceFiles: []) == "readme")
    }

    static func library(_ files: [(String, String)]) throws -> (TemporaryDirectory, SkillLibrary) {
        let root = try TemporaryDirectory()
        for (path, text) in files { try root.write(path, text) }
        let library = SkillLibrary.load(
            paths: root.paths, workspace: root.workspace, environment: ["PATH": "/usr/bin:/bin"], os: "linux")
        return (root, library)
    }

    @Test func aWorkspaceEvaluatorForANewCategoryIsChosen() throws {
        let (_, library) = try Self.library([
            (
                "work/.agents/evaluators/terraform/SKILL.md",
                SkillText.evaluator("terraform", categories: ["terraform", "iac"])
            )
        ])
        let catalog = EvaluatorCatalog(library: library)
        #expect(catalog.category(forTask: "Write Terraform for a private S3 bucket") == "terraform")
        #expect(catalog.rubric(forTask: "Write Terraform for a private S3 bucket").name == "terraform")
        #expect(catalog.rubric(forTask: "Fix the crash in main.swift").name == "code-review")
    }

    @Test func onEqualSignalsTheHigherSourceWinsAndIneligibleEvaluatorsAreSkipped() throws {
        let (_, library) = try Self.library([
            (
                "work/.agents/evaluators/swift-review/SKILL.md",
                SkillText.evaluator("swift-review", categories: ["code", "refactor", "bugfix"])
            ),
            (
                "openkoi/data/skills/user/needs-tool/SKILL.md",
                SkillText.evaluator("sql-strict", categories: ["sql", "migration", "database", "schema"])
                    .replacing("kind: evaluator", with: "kind: evaluator\nrequires:\n  bins: [openkoi-test-missing]")
            ),
        ])
        #expect(library.entry(named: "sql-strict")?.eligibility.reason == "needs `openkoi-test-missing` on PATH")
        let catalog = EvaluatorCatalog(library: library)
        #expect(catalog.rubric(forTask: "Refactor the parser to remove the duplicated branches").name == "swift-review")
        #expect(catalog.rubric(forTask: "Write a migration that adds an index").name == "sql-safety")
    }

    @Test func withoutAnyEvaluatorTheFallbackRubricApplies() {
        let catalog = EvaluatorCatalog(evaluators: [])
        #expect(catalog.rubric(forTask: "Fix the crash") == .fallback)
    }
}
