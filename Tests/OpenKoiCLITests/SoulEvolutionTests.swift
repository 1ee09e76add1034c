import Testing

@testable import OpenKoiCLI

struct SoulEvolutionTests {
    static let soul = "# Soul\n\nI am careful.\nI verify claims.\nI keep it simple."

    @Test func aSmallChangeIsAcceptedAndShownAsALineDiff() throws {
        let reply =
            "```markdown\n# Soul\n\nI am careful.\nI verify claims by running the tests first.\nI keep it simple.\n```"
        let proposal = try SoulEvolution.proposal(from: reply, current: Self.soul).get()
        #expect(proposal == "# Soul\n\nI am careful.\nI verify claims by running the tests first.\nI keep it simple.\n")
        let diff = SoulEvolution.diff(Self.soul, proposal.trimmed)
        #expect(
            diff.filter { !$0.hasPrefix("  ") } == [
                "- I verify claims.", "+ I verify claims by running the tests first.",
            ])
    }

    @Test func noChangeARewriteAndAnEmptyReplyAreRefused() {
        #expect(throws: SoulEvolution.Rejection.unchanged) {
            try SoulEvolution.proposal(from: Self.soul, current: Self.soul).get()
        }
        let rewrite = (1...30).map { "new line \($0)" }.joined(separator: "\n")
        #expect(throws: SoulEvolution.Rejection.tooLarge(35)) {
            try SoulEvolution.proposal(from: rewrite, current: Self.soul).get()
        }
        #expect(throws: SoulEvolution.Rejection.empty) {
            try SoulEvolution.proposal(from: "``` \n```", current: Self.soul).get()
        }
    }
}
