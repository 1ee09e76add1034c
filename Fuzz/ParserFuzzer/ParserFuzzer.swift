import FoundationEssentials
import OpenKoiCore
import OpenKoiProviders
import OpenKoiSkills

/// One libFuzzer entry point for every parser of outside input; `FUZZ_TARGET` picks the parser
/// (`scripts/fuzz.sh` runs each in turn). Besides "never crash, never hang", each checks a property
/// that must hold for any input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let target = ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? "toml"
    guard let run = FuzzTarget.all[target] else { fatalError("unknown FUZZ_TARGET \(target)") }
    run(bytes)
    return 0
}

enum FuzzTarget {
    static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "sse": sse, "ndjson": ndjson, "toml": toml, "verdict": verdict, "json-in-text": jsonInText,
        "batch-line": batchLine, "skill": skill,
    ]

    /// The first byte picks where to split the rest in two: events must not depend on chunking.
    static func chunks(_ bytes: [UInt8]) -> (whole: Data, first: Data, second: Data) {
        let body = Array(bytes.dropFirst())
        let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % (body.count + 1)
        return (Data(body), Data(body[..<cut]), Data(body[cut...]))
    }

    static func sse(_ bytes: [UInt8]) {
        let (whole, first, second) = chunks(bytes)
        var once = SSEParser()
        let expected = once.feed(whole)
        let expectedEnd = once.finish()
        var split = SSEParser()
        let events = split.feed(first) + split.feed(second)
        precondition(events == expected, "SSE events depend on where the body was split")
        precondition(split.finish() == expectedEnd, "SSE end state depends on the split")
    }

    static func ndjson(_ bytes: [UInt8]) {
        let (whole, first, second) = chunks(bytes)
        var once = NDJSONParser()
        let expected = once.feed(whole) + (once.finish().map { [$0] } ?? [])
        var split = NDJSONParser()
        let lines = split.feed(first) + split.feed(second) + (split.finish().map { [$0] } ?? [])
        precondition(lines == expected, "NDJSON lines depend on where the body was split")
    }

    static func toml(_ bytes: [UInt8]) {
        guard let text = String(validating: bytes, as: UTF8.self) else { return }
        _ = try? TOMLParser.parse(text)
    }

    static func verdict(_ bytes: [UInt8]) {
        let reading = VerdictParser.parse(String(decoding: bytes, as: UTF8.self), rubric: .fallback)
        for score in reading?.dimensions ?? [] {
            precondition((0...1).contains(score.score), "a verdict score outside 0…1: \(score)")
        }
    }

    static func jsonInText(_ bytes: [UInt8]) {
        for object in JSONExtractor.objects(in: String(decoding: bytes, as: UTF8.self)) {
            precondition(object.objectValue != nil, "JSONExtractor returned a non-object")
        }
    }

    static func batchLine(_ bytes: [UInt8]) {
        for (index, line) in BatchLine.lines(bytes).enumerated() {
            if case .task(let spec) = BatchLine(line, number: index + 1, policy: TaskPolicy()) {
                precondition(!spec.description.trimmed.isEmpty, "a batch task with no text")
            }
        }
    }

    static func skill(_ bytes: [UInt8]) {
        _ = try? SkillParser.parse(String(decoding: bytes, as: UTF8.self), source: "fuzz", defaultName: "fuzz")
    }
}
