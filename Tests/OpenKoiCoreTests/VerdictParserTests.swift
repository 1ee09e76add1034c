@testable import OpenKoiCore
import Testing

struct VerdictParserTests {
    let rubric = Rubric.fallback

    @Test func readsFencedJSONWithFindings() throws {
        let text = """
            Here is my review:
            ```json
            {"scores": {"relevance": 0.9, "quality": 0.8, "completeness": 0.7},
             "findings": [{"severity": "IMPORTANT", "title": "Missing caveat", "description": "No source", "fix": "Cite one"}],
             "missing_steps": ["Verify"], "suggestion": "Add a source."}
            ```
            """
        let reading = try #require(VerdictParser.parse(text, rubric: rubric))
        #expect(reading.dimensions.count == 3)
        let verdict = Verdict(dimensions: reading.dimensions, findings: reading.findings)
        #expect(abs((verdict.score ?? 0) - (0.9 * 0.4 + 0.8 * 0.35 + 0.7 * 0.25)) < 1e-9)
        #expect(reading.findings.first?.severity == .important)
        #expect(reading.findings.first?.fix == "Cite one")
        #expect(reading.missingSteps == ["Verify"])
        #expect(reading.suggestion == "Add a source.")
    }

    @Test func rescalesATenPointScale() throws {
        let reading = try #require(VerdictParser.parse(#"{"scores": {"relevance": 9, "quality": 7}}"#, rubric: rubric))
        #expect(reading.dimensions.count == 2)
        #expect(reading.dimensions.allSatisfy { $0.score <= 1 })
        #expect(reading.dimensions.first { $0.name == "relevance" }?.score == 0.9)
    }

    @Test func readsTheReferenceTextFormat() throws {
        let text = """
            SCORES:
            relevance: 0.9
            - quality: 0.6
            completeness: 0.8
            FINDINGS:
            - [BLOCKER] Wrong answer: the city is Paris
            - minor wording
            SUGGESTION: Fix the city.
            """
        let reading = try #require(VerdictParser.parse(text, rubric: rubric))
        #expect(reading.dimensions.map(\.name) == ["relevance", "quality", "completeness"])
        #expect(reading.findings.count == 2)
        #expect(reading.findings[0].severity == .blocker)
        #expect(reading.findings[0].title == "Wrong answer")
        #expect(reading.findings[1].severity == .suggestion)
        #expect(reading.suggestion == "Fix the city.")
    }

    @Test func acceptsScoresAsArraysAndFlatObjects() throws {
        let array = try #require(
            VerdictParser.parse(#"{"scores": [{"name": "quality", "score": 0.5}]}"#, rubric: rubric))
        #expect(array.dimensions.first?.weight == 0.35)
        let flat = try #require(VerdictParser.parse(#"{"relevance": 1.0, "quality": "0.5"}"#, rubric: rubric))
        #expect(flat.dimensions.count == 2)
    }

    @Test func junkYieldsNoReadingAndNeverCrashes() {
        let junk = [
            "", "great job!", "{", "}{", "{\"scores\": {}}", "{\"scores\": {\"quality\": -1}}",
            "SCORES:\nquality: lots",
            "```json\n{\"scores\": \n```", String(repeating: "{", count: 5000), "{\"scores\": {\"q\": 1e400}}",
            "{\"scores\": {\"quality\": 250}}",
        ]
        for text in junk {
            #expect(VerdictParser.parse(text, rubric: rubric) == nil, "\(text.prefix(40))")
        }
    }
}

struct BoundedChannelTests {
    @Test func sendSuspendsWhileFullAndResumesAfterReceive() async throws {
        let channel = BoundedChannel<Int>(capacity: 2)
        try await channel.send(1)
        try await channel.send(2)
        let (delivered, signal) = AsyncStream<Int>.makeStream()
        let sender = Task {
            try await channel.send(3)
            signal.yield(3)
        }
        #expect(await channel.count == 2)
        #expect(await channel.receive() == 1)
        var iterator = delivered.makeAsyncIterator()
        #expect(await iterator.next() == 3)
        try await sender.value
        #expect(await channel.highWaterMark == 2)
        #expect(await channel.receive() == 2)
        #expect(await channel.receive() == 3)
    }

    @Test func reservedLaneIsServedFirstAndNeverBlocks() async throws {
        let channel = BoundedChannel<String>(capacity: 1)
        try await channel.send("forward")
        try await channel.sendReserved("refine-1")
        try await channel.sendReserved("refine-2")
        #expect(await channel.receive() == "refine-1")
        #expect(await channel.receive() == "refine-2")
        #expect(await channel.receive() == "forward")
    }

    @Test func finishDrainsThenEnds() async throws {
        let channel = BoundedChannel<Int>(capacity: 4)
        try await channel.send(7)
        await channel.finish()
        #expect(await channel.receive() == 7)
        #expect(await channel.receive() == nil)
        await #expect(throws: BoundedChannel<Int>.Closed.self) { try await channel.send(8) }
    }

    @Test func cancelledSenderStopsWaiting() async throws {
        let channel = BoundedChannel<Int>(capacity: 1)
        try await channel.send(1)
        let sender = Task { try await channel.send(2) }
        sender.cancel()
        await #expect(throws: CancellationError.self) { try await sender.value }
    }
}

struct JSONExtractorTests {
    @Test func outermostObjectsAreFoundAlsoAfterAStrayBrace() {
        let text = #"Use a { here. Then {"a":1} and {"b":{"c":"}"}} done"#
        #expect(JSONExtractor.balancedObjects(in: text) == [#"{"a":1}"#, #"{"b":{"c":"}"}}"#])
        #expect(JSONExtractor.objects(in: text) == [["a": 1], ["b": ["c": "}"]]])
    }

    /// 200,000 unmatched braces before the call: one pass, where restarting at each brace took
    /// 2·10¹⁰ steps (minutes).
    @Test func manyUnmatchedBracesStayLinear() {
        let text = String(repeating: "{", count: 200_000) + #" {"name":"read_file"}"#
        #expect(JSONExtractor.objects(in: text) == [["name": "read_file"]])
    }
}
