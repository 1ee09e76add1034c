import Testing

@testable import OpenKoiCLI

struct HelpTextTests {
    /// The `--help` fast path prints a stored copy; it must match ArgumentParser's own rendering.
    @Test func fastPathHelpMatchesArgumentParser() {
        #expect(OpenKoiCommand.helpText == OpenKoi.helpMessage(columns: 80))
    }
}
