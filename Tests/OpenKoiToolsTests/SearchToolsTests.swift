import OpenKoiCore
import Testing

@testable import OpenKoiTools

struct SearchToolsTests {
    private func project() throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        try dir.write("Package.swift", "// swift-tools-version: 6.1\n")
        try dir.write("Sources/App/main.swift", "let greeting = \"Hello\"\nprint(greeting)\n")
        try dir.write("Sources/App/Model/User.swift", "struct User {\n    let name: String\n}\n")
        try dir.write("Tests/AppTests/UserTests.swift", "import Testing\n@Test func userName() {}\n")
        try dir.write("README.md", "# App\nHello docs\n")
        try dir.write(".git/config", "let greeting = 1\n")
        try dir.write(".build/debug/gen.swift", "let greeting = 2\n")
        try dir.write("node_modules/x/index.js", "greeting\n")
        try dir.writeBytes(
            "Sources/App/logo.png", [0x89, 0x50, 0x00, 0x00, 0x67, 0x72, 0x65, 0x65, 0x74, 0x69, 0x6E, 0x67])
        return dir
    }

    // MARK: glob

    @Test func globPatternSemantics() throws {
        func matches(_ pattern: String, _ path: String) throws -> Bool {
            try GlobPattern(pattern).matches(path.split(separator: "/").map { $0 })
        }
        #expect(try matches("**/*.swift", "main.swift"))
        #expect(try matches("**/*.swift", "a/b/c.swift"))
        #expect(try !matches("*.swift", "a/c.swift"))
        #expect(try matches("Sources/**/User?.swift", "Sources/App/Model/Users.swift"))
        #expect(try matches("src/[ab]*.ts", "src/b1.ts"))
        #expect(try !matches("src/[ab]*.ts", "src/c1.ts"))
        #expect(try matches("**/*.{ts,tsx}", "web/App.tsx"))
        #expect(try matches("a/**/b/**/c", "a/b/c"))
        #expect(try matches("a/**/b/**/c", "a/x/b/y/z/c"))
        #expect(try !matches("a/**/b", "a/x/c"))
        #expect(GlobPattern.expandBraces("x{a,b{c,d}}y") == ["xay", "xbcy", "xbdy"])
        #expect(GlobPattern.expandBraces("{single}") == ["{single}"])
        #expect(throws: ToolFailure.self) { try GlobPattern("../*.swift") }
        #expect(throws: ToolFailure.self) { try GlobPattern("/etc/*") }
    }

    @Test func globFindsFilesRecursivelyAndSkipsBuildAndGit() async throws {
        let dir = try project()
        let outcome = await makeToolBox(dir).call("glob", ["pattern": "**/*.swift"])
        #expect(!outcome.isError)
        #expect(
            outcome.content.split(separator: "\n") == [
                "Package.swift", "Sources/App/Model/User.swift", "Sources/App/main.swift",
                "Tests/AppTests/UserTests.swift",
            ])
    }

    @Test func globRelativeToAPathAndMarksDirectories() async throws {
        let dir = try project()
        let box = makeToolBox(dir)
        let inSources = await box.call("glob", ["pattern": "*/Model", "path": "Sources"])
        #expect(inSources.content == "Sources/App/Model/")
        let topOnly = await box.call("glob", ["pattern": "*.md"])
        #expect(topOnly.content == "README.md")
        let none = await box.call("glob", ["pattern": "**/*.rs"])
        #expect(!none.isError && none.content.contains("No paths match"))
        let escape = await box.call("glob", ["pattern": "*", "path": ".."])
        #expect(escape.isError && escape.content.contains("outside the workspace"))
        let missing = await box.call("glob", [:])
        #expect(missing.isError && missing.content.contains("'pattern'"))
    }

    @Test func globCapsResults() async throws {
        let dir = try TemporaryDirectory()
        for index in 0..<(GlobTool.maxResults + 3) { try dir.write("f/\(index).txt", "") }
        let outcome = await makeToolBox(dir).call("glob", ["pattern": "**/*.txt"])
        let lines = outcome.content.split(separator: "\n")
        #expect(lines.count == GlobTool.maxResults + 1)
        #expect(lines.last?.contains("More than") == true)
    }

    // MARK: grep

    @Test func grepReportsFileLineAndText() async throws {
        let dir = try project()
        let outcome = await makeToolBox(dir).call("grep", ["pattern": "greet\\w+"])
        #expect(!outcome.isError)
        #expect(
            outcome.content
                == "Sources/App/main.swift:1: let greeting = \"Hello\"\nSources/App/main.swift:2: print(greeting)")
    }

    @Test func grepFiltersByGlobAndIgnoresCase() async throws {
        let dir = try project()
        let box = makeToolBox(dir)
        let swiftOnly = await box.call("grep", ["pattern": "hello", "glob": "*.swift", "ignore_case": true])
        #expect(swiftOnly.content == "Sources/App/main.swift:1: let greeting = \"Hello\"")
        let caseSensitive = await box.call("grep", ["pattern": "hello", "glob": "*.swift"])
        #expect(caseSensitive.content.contains("No matches"))
        let pathGlob = await box.call("grep", ["pattern": "struct|Test", "glob": "Tests/**/*.swift"])
        #expect(
            pathGlob.content
                == "Tests/AppTests/UserTests.swift:1: import Testing\nTests/AppTests/UserTests.swift:2: @Test func userName() {}"
        )
        let singleFile = await box.call("grep", ["pattern": "name", "path": "Sources/App/Model/User.swift"])
        #expect(singleFile.content == "Sources/App/Model/User.swift:2:     let name: String")
    }

    @Test func grepErrors() async throws {
        let dir = try project()
        let box = makeToolBox(dir)
        let badRegex = await box.call("grep", ["pattern": "(unclosed"])
        #expect(badRegex.isError && badRegex.content.contains("invalid regular expression"))
        let missing = await box.call("grep", ["pattern": "x", "path": "nope"])
        #expect(missing.isError && missing.content.contains("does not exist"))
        let escape = await box.call("grep", ["pattern": "root", "path": "/etc/passwd"])
        #expect(escape.isError && escape.content.contains("outside the workspace"))
    }

    @Test func grepCapsMatches() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("many.txt", String(repeating: "needle\n", count: GrepTool.maxMatches + 10))
        let outcome = await makeToolBox(dir).call("grep", ["pattern": "needle"])
        let lines = outcome.content.split(separator: "\n")
        #expect(lines.count == GrepTool.maxMatches + 1)
        #expect(lines.last?.contains("Stopped at") == true)
    }
}
