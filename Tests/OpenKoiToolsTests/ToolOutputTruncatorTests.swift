import Glibc
import OpenKoiCore
import Testing

@testable import OpenKoiTools

struct ToolOutputTruncatorTests {
    @Test func shortOutputIsUnchanged() throws {
        let dir = try TemporaryDirectory()
        let truncator = ToolOutputTruncator(directory: dir.url("out"))
        let text = String(repeating: "x\n", count: 2000)
        #expect(truncator.truncate(text) == text)
        #expect(!dir.exists("out"))
    }

    @Test func tooManyLinesKeepsTheFirst2000AndSavesTheRest() throws {
        let dir = try TemporaryDirectory()
        let truncator = ToolOutputTruncator(directory: dir.url("out"))
        let text = (1...2500).map { "line \($0)" }.joined(separator: "\n")
        let result = truncator.truncate(text)

        let path = dir.url("out/\(ToolOutputTruncator.fnv1a64Hex(text)).txt")
        let head = (1...2000).map { "line \($0)" }.joined(separator: "\n")
        #expect(
            result == head
                + "\n\n[Output truncated: \(text.utf8.count) bytes, 2500 lines. Full output saved to \(path)]")
        #expect(dir.read("out/\(ToolOutputTruncator.fnv1a64Hex(text)).txt") == text)
        #expect(permissions(of: path) == 0o600)
        #expect(permissions(of: dir.url("out")) == 0o700)
    }

    @Test(arguments: ["é", "€", "😀"])
    func byteLimitNeverSplitsACharacter(character: String) throws {
        let dir = try TemporaryDirectory()
        let truncator = ToolOutputTruncator(directory: dir.url("out"))
        // The multi-byte character straddles byte 51200.
        let text = String(repeating: "a", count: 51199) + String(repeating: character, count: 100)
        let result = truncator.truncate(text)
        let head = String(try #require(result.split(separator: "\n\n[Output truncated:").first))

        #expect(head == String(repeating: "a", count: 51199))
        #expect(result.contains("[Output truncated: \(text.utf8.count) bytes, 1 lines."))
        #expect(dir.read("out/\(ToolOutputTruncator.fnv1a64Hex(text)).txt") == text)
    }

    @Test func byteCutKeepsWholeCharactersAtTheBoundary() throws {
        let dir = try TemporaryDirectory()
        let truncator = ToolOutputTruncator(directory: dir.url("out"), maxLines: 2000, maxBytes: 10)
        // "ab" + 4 × "€" (3 bytes each) = 14 bytes; the 10-byte cut falls inside the third "€".
        let head = ToolOutputTruncator.head(of: "ab€€€€", maxLines: 2000, maxBytes: 10)
        #expect(head == "ab€€")
        #expect(truncator.truncate("ab€€€€").hasPrefix("ab€€\n\n[Output truncated: 14 bytes, 1 lines."))
    }

    @Test func linesThenBytes() throws {
        // 2001 long lines: first cut to 2000 lines, then to 51200 bytes.
        let line = String(repeating: "z", count: 99)
        let text = Array(repeating: line, count: 2001).joined(separator: "\n")
        let head = ToolOutputTruncator.head(of: text, maxLines: 2000, maxBytes: 51200)
        #expect(head.utf8.count == 51200)
        #expect(text.hasPrefix(head))
    }

    @Test func fnvMatchesKnownVectors() {
        #expect(ToolOutputTruncator.fnv1a64Hex("") == "cbf29ce484222325")
        #expect(ToolOutputTruncator.fnv1a64Hex("a") == "af63dc4c8601ec8c")
        #expect(ToolOutputTruncator.fnv1a64Hex("foobar") == "85944171f73967e8")
    }

    @Test func unsavableOutputStillTruncates() throws {
        let dir = try TemporaryDirectory()
        try dir.write("blocker", "a file where the directory should be")
        let truncator = ToolOutputTruncator(directory: dir.url("blocker/out"))
        let result = truncator.truncate(String(repeating: "y\n", count: 3000))
        #expect(result.contains("Full output saved to disk (saving failed:"))
    }
}
