import OpenKoiCore
import Testing

@testable import OpenKoiSkills

/// A deterministic generator (SplitMix64), so a failing input can be reproduced from its index.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Thousands of broken SKILL.md files: each must come back as a skill or a `SkillParseError`
/// naming the file and a line inside it; nothing may crash, hang or produce a nameless skill.
struct SkillParserFuzzTests {
    static let seeds: [String] =
        BundledSkillSources.files.map(\.text) + [
            "---\nname: x\nmetadata: {\"openclaw\":{\"requires\":{\"bins\":[\"uv\"],\"env\":[\"K\"]},\"os\":[\"darwin\"]}}\n---\nb",
            "---\nname: t\nos: linux\nrequires:\n  bins: [jq]\nmetadata:\n  trigger: {type: cron, schedule: '0 2 * * *'}\n---\n",
            "---\ndescription: |\n  multi\n  line\nmetadata:\n  openkoi: {internal: true}\n  schema_version: 3\n---\n# B\n",
        ]

    /// Fragments that steer libyaml into its unusual paths.
    static let tokens: [[UInt8]] =
        [
            "---\n", "\n---", ": ", "- ", "[", "]", "{", "}", "\"", "'", "\t", "&a ", "*a", "!!str ", "|", ">", "? ",
            "%YAML 1.1\n",
            "...\n", "\n  ", "#", ",", "\u{0}", "\u{FEFF}", "é", "🐟", "\r\n", "kind: evaluator\n", "weight: -1\n",
        ].map { Array($0.utf8) } + [[0xFF], [0xC3], [0xED, 0xA0, 0x80]]

    static func mutate(_ input: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...6, using: &random) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0 where !bytes.isEmpty: bytes[position] = UInt8.random(in: 0...255, using: &random)
            case 1: bytes.insert(contentsOf: tokens.randomElement(using: &random) ?? [], at: position)
            case 2 where !bytes.isEmpty:
                let end = min(bytes.count, position + Int.random(in: 1...40, using: &random))
                bytes.removeSubrange(position..<end)
            case 3 where !bytes.isEmpty:
                let end = min(bytes.count, position + Int.random(in: 1...200, using: &random))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            case 4: bytes = Array(bytes.prefix(position))
            default: bytes.insert(UInt8.random(in: 0...127, using: &random), at: position)
            }
        }
        return bytes
    }

    @Test func twoThousandMutatedFilesParseOrFailWithAFileLine() {
        var random = SeededGenerator(state: 20_250_601)
        var parsed = 0
        var failed = 0
        for index in 0..<2000 {
            let seed = Array(Self.seeds[index % Self.seeds.count].utf8)
            // Every tenth input is pure noise rather than a mutated skill.
            let bytes =
                index % 10 == 9
                ? (0..<Int.random(in: 0...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                : Self.mutate(seed, using: &random)
            let text = String(decoding: bytes, as: UTF8.self)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
            do {
                let skill = try SkillParser.parse(text, source: "fuzz/SKILL.md", defaultName: "fuzz")
                parsed += 1
                #expect(
                    !skill.name.isEmpty && !skill.name.contains("\n") && !skill.name.contains("/"), "input \(index)")
                #expect(skill.kind == .task || !skill.dimensions.isEmpty, "input \(index)")
                #expect(skill.dimensions.allSatisfy { $0.weight.isFinite && $0.weight >= 0 }, "input \(index)")
                #expect(skill.categories == skill.categories.map { $0.lowercased() }, "input \(index)")
            } catch {
                failed += 1
                #expect(error.source == "fuzz/SKILL.md", "input \(index)")
                #expect((1...max(1, lines + 1)).contains(error.line), "input \(index): \(error)")
                #expect(!error.message.isEmpty, "input \(index)")
            }
        }
        // Both outcomes must be common, or the mutations are not exercising the parser.
        #expect(parsed >= 200, "only \(parsed) of 2000 parsed")
        #expect(failed >= 200, "only \(failed) of 2000 failed")
    }
}
