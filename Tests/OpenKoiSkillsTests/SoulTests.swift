import FoundationEssentials
import OpenKoiCore
import Testing

@testable import OpenKoiSkills

struct SoulTests {
    @Test func theBundledSoulWhenNoFileExists() throws {
        let root = try TemporaryDirectory()
        let soul = Soul.load(workspace: root.workspace, paths: root.paths)
        #expect(soul.source == .bundled)
        #expect(soul.text == BundledSkills.soul.trimmed)
        #expect(soul.text.contains("I am OpenKoi") && soul.warnings.isEmpty)
        let lines = soul.text.split(separator: "\n", omittingEmptySubsequences: false).count
        #expect((30...50).contains(lines), "\(lines) lines")
    }

    @Test func workspaceBeatsUserBeatsBundled() throws {
        let root = try TemporaryDirectory()
        let user = try root.write("openkoi/SOUL.md", "\nI am the user's soul.\n\n")
        #expect(
            Soul.load(workspace: root.workspace, paths: root.paths)
                == Soul(text: "I am the user's soul.", source: .user(user)))
        let workspace = try root.write("work/.openkoi/SOUL.md", "I am this project's soul.")
        #expect(
            Soul.load(workspace: root.workspace, paths: root.paths)
                == Soul(text: "I am this project's soul.", source: .workspace(workspace)))
    }

    @Test func anEmptyOrUnreadableFileFallsThroughWithAWarning() throws {
        let root = try TemporaryDirectory()
        let blank = try root.write("work/.openkoi/SOUL.md", "  \n\n")
        try FileManager.default.createDirectory(atPath: root.paths.soulFile, withIntermediateDirectories: true)
        let soul = Soul.load(workspace: root.workspace, paths: root.paths)
        #expect(soul.source == .bundled)
        #expect(
            soul.warnings == [
                "\(blank): empty; using the next soul",
                "\(root.paths.soulFile): not a regular file; using the next soul",
            ])

        try FileManager.default.removeItem(atPath: root.paths.soulFile)
        let user = try root.write("openkoi/SOUL.md", "fine")
        try Data([0x49, 0xFF, 0x0A]).write(to: URL(fileURLWithPath: blank))
        let next = Soul.load(workspace: root.workspace, paths: root.paths)
        #expect(
            next == Soul(text: "fine", source: .user(user), warnings: ["\(blank): not UTF-8 text; using the next soul"])
        )
    }

    @Test func longSoulsAreCutAtTwentyThousandCharacters() throws {
        let root = try TemporaryDirectory()
        try root.write("openkoi/SOUL.md", String(repeating: "é", count: 25_000))
        let soul = Soul.load(workspace: root.workspace, paths: root.paths)
        #expect(soul.text.count == 20_000 && soul.text.allSatisfy { $0 == "é" })
    }
}
