import OpenKoiCore
import Testing

@testable import OpenKoiTools

/// A regex that backtracks exponentially must not hold a task past its time (issue 6, item 4).
struct GrepBacktrackingTests {
    @Test(arguments: [#"^(a+)+$"#, #"(\w+\s*)+$"#, #"((ab)*c)*"#, #"(a|b+){2,}x"#, #"(?:x*y)+z"#])
    func nestedRepetitionIsFlagged(pattern: String) {
        #expect(RegexRisk.nestedRepetition(in: pattern) != nil, "\(pattern)")
    }

    @Test(arguments: [
        #"a+b+"#, #"(ab)+"#, #"(a+){2}"#, #"[(a+)]+"#, #"\(a+\)+"#, #"(?:foo|bar)+"#, #"func \w+Tool"#, #"(a|b)*c"#,
    ])
    func ordinaryPatternsAreNot(pattern: String) {
        #expect(RegexRisk.nestedRepetition(in: pattern) == nil, "\(pattern)")
    }

    @Test func theIssuesPatternIsRefusedWithARewriteHint() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("a.txt", String(repeating: "a", count: 40) + "!\n")
        let outcome = await makeToolBox(dir).call("grep", ["pattern": "^(a+)+$"])
        #expect(outcome.isError)
        #expect(outcome.content.contains("'(a+)+'") && outcome.content.contains("exponential"), "\(outcome.content)")
    }

    /// Overlapping alternatives backtrack too and are not flagged: the time limit holds instead.
    /// (23 `a`s take about 6 s here: long enough that returning well before it proves the search was
    /// abandoned, short enough that the abandoned thread does not burn a core for the whole run.)
    @Test func aSearchOverItsTimeIsAbandonedAndSaysSo() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("a.txt", String(repeating: "a", count: 23) + "!\n")
        let workspace = try Workspace(root: dir.path)
        let grep = GrepTool(access: WorkspaceAccess(.success(workspace)), maxSeconds: 0.5)
        let error = await #expect(throws: ToolFailure.self) {
            try await grep.run(try ToolArguments(ToolCall(id: "1", name: "grep", arguments: ["pattern": "^(a|a)+$"])))
        }
        // Had the limit not held, the search would have finished with "No matches" and no error.
        #expect(error?.message.contains("stopped after 0.5 s") == true, "\(String(describing: error))")
    }

    @Test func cancellingTheTaskReturnsAtOnce() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("a.txt", String(repeating: "a", count: 23) + "!\n")
        let box = makeToolBox(dir)
        let call = Task { await box.call("grep", ["pattern": "^(a|a)+$"]) }
        call.cancel()
        let outcome = await call.value
        // Had cancelling not held, the search would have finished with "No matches".
        #expect(outcome.isError && outcome.content.contains("cancelled"), "\(outcome.content)")
    }
}
