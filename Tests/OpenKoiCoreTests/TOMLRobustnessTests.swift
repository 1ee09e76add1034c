import OpenKoiCore
import Testing

/// The parser must answer every input with a table or a `TOMLError`, never a trap or a stack overflow.
struct TOMLRobustnessTests {
    static let sample = """
        # OpenKoi sample
        title = "TOML \\u00e9 \\U0001F600"
        [owner]
        name = 'Tom'
        dob = 1979-05-27T07:32:00-08:00
        [database]
        ports = [ 8000, 8001, 0x1F4, 1e3, -inf ]
        data = [ ["delta", "phi"], [3.14] ]
        temp_targets = { cpu = 79.5, case = 72.0 }
        text = \"\"\"
        multi \\
           line ""
        \"\"\"
        raw = '''it's raw'''
        [[products]]
        name = "Hammer"
        sku = 738_594_937
        [[products]]
        a.b."c" = true
        """

    /// SplitMix64: deterministic, so a failure reproduces.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Parses and checks that a failure carries a sane position.
    private func survive(_ text: String) {
        do {
            _ = try TOMLParser.parse(text)
        } catch {
            #expect(error.line >= 1)
            #expect(error.column >= 1)
            #expect(!error.message.isEmpty)
        }
    }

    @Test func sampleParses() throws {
        let table = try TOMLParser.parse(Self.sample)
        #expect(table["owner"]?.tableValue?["dob"] == .datetime("1979-05-27T07:32:00-08:00"))
        #expect(table["database"]?.tableValue?["text"] == "multi line \"\"\n")
        #expect(table["products"]?.arrayValue?.count == 2)
    }

    @Test func everyTruncationIsHandled() {
        let bytes = Array(Self.sample.utf8)
        for length in 0...bytes.count {
            survive(String(decoding: bytes[0..<length], as: UTF8.self))
        }
    }

    @Test func randomMutationsAreHandled() {
        var random = Generator(state: 42)
        let alphabet = Array("[]{}\"'=.,#\\\n\r\t 0aZ_-+:eExob\u{7}é".unicodeScalars)
        var scalars = Array(Self.sample.unicodeScalars)
        for _ in 0..<3000 {
            var mutated = scalars
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let index = Int.random(in: 0..<mutated.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: mutated[index] = alphabet.randomElement(using: &random) ?? " "
                case 1: mutated.remove(at: index)
                default: mutated.insert(alphabet.randomElement(using: &random) ?? " ", at: index)
                }
            }
            var text = String.UnicodeScalarView()
            text.append(contentsOf: mutated)
            survive(String(text))
            if mutated.isEmpty { mutated = Array(Self.sample.unicodeScalars) }
            scalars = Int.random(in: 0..<10, using: &random) == 0 ? mutated : scalars
        }
    }

    @Test func randomJunkIsHandled() {
        var random = Generator(state: 7)
        let alphabet = Array("[]{}\"'=.,#\\\n \ta1_-+:\u{0}\u{7F}".unicodeScalars)
        for _ in 0..<2000 {
            let length = Int.random(in: 0..<60, using: &random)
            var text = String.UnicodeScalarView()
            for _ in 0..<length { text.append(alphabet.randomElement(using: &random) ?? " ") }
            survive(String(text))
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let depth = 100_000
        let cases = [
            "a = " + String(repeating: "[", count: depth),
            "a = " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth),
            "a = " + String(repeating: "{b = ", count: depth),
            String(repeating: "a.", count: depth) + "a = 1",
            "[" + String(repeating: "a.", count: depth) + "a]",
            "[[" + String(repeating: "a.", count: depth) + "a]]",
        ]
        for text in cases {
            let error = #expect(throws: TOMLError.self) { try TOMLParser.parse(text) }
            #expect(error?.message.contains("64") == true, "\(error?.message ?? "")")
        }
    }

    @Test func nestingUpToTheLimitWorks() throws {
        let table = try TOMLParser.parse("a = " + String(repeating: "[", count: 64) + String(repeating: "]", count: 64))
        var value = table["a"]
        var depth = 0
        while case .array(let elements)? = value {
            depth += 1
            value = elements.first
        }
        #expect(depth == 64)
    }

    @Test func controlCharactersAndNULAreRejected() {
        for text in ["a = \"\u{0}\"", "a = '\u{1F}'", "# \u{7F}", "a = \"\"\"\u{8}\"\"\"", "\u{0}"] {
            #expect(throws: TOMLError.self) { try TOMLParser.parse(text) }
        }
    }
}
