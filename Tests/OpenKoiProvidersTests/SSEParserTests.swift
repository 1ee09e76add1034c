import FoundationEssentials
import OpenKoiCore
import Testing

@testable import OpenKoiProviders

struct SSEParserTests {
    /// Feeds `text` split at every given byte offset, and returns all events plus what `finish()` reported.
    private func parse(_ text: String, splitAt offsets: [Int] = []) -> (events: [SSEEvent], partial: SSEEvent?) {
        parse(Array(text.utf8), splitAt: offsets)
    }

    private func parse(_ bytes: [UInt8], splitAt offsets: [Int]) -> (events: [SSEEvent], partial: SSEEvent?) {
        var parser = SSEParser()
        var events: [SSEEvent] = []
        var start = 0
        for end in offsets + [bytes.count] {
            events += parser.feed(Data(bytes[start..<end]))
            start = end
        }
        return (events, parser.finish())
    }

    @Test func eventsWithTypesAndComments() {
        let result = parse(": hello\n\nevent: message_start\ndata: {\"a\":1}\n\ndata: plain\n\n")
        #expect(result.events == [SSEEvent(event: "message_start", data: #"{"a":1}"#), SSEEvent(data: "plain")])
        #expect(result.partial == nil)
    }

    @Test func everySplitPointGivesTheSameEvents() {
        let text = "event: delta\r\ndata: {\"t\":\"héllo 🐟\"}\r\n\r\ndata: line one\ndata: line two\n\n"
        let expected = [SSEEvent(event: "delta", data: #"{"t":"héllo 🐟"}"#), SSEEvent(data: "line one\nline two")]
        let count = text.utf8.count
        for offset in 0...count {
            #expect(parse(text, splitAt: [offset]).events == expected, "split at \(offset)")
        }
        // One byte at a time: CRLF pairs and four-byte UTF-8 sequences are all cut apart.
        #expect(parse(text, splitAt: Array(1..<count)).events == expected)
    }

    @Test func lineBreaksMayBeCRLFOrLoneCR() {
        #expect(parse("data: a\r\rdata: b\r\n\r\ndata: c\n\n").events.map(\.data) == ["a", "b", "c"])
        // A CR at the end of one chunk and LF at the start of the next are one line break, not two.
        #expect(parse("data: a\r\ndata: b\r\n\r\n", splitAt: [8]).events == [SSEEvent(data: "a\nb")])
    }

    @Test func fieldValueRules() {
        let result = parse("data:no-space\ndata:  two-spaces\ndata\nid: 7\nretry: 1500\nfoo: ignored\n\n")
        #expect(result.events == [SSEEvent(data: "no-space\n two-spaces\n", id: "7")])
        var parser = SSEParser()
        _ = parser.feed(Data("retry: 1500\nid: 9\ndata: x\n\nretry: soon\n\n".utf8))
        #expect(parser.retryMilliseconds == 1500)
        #expect(parser.lastEventID == "9")
    }

    @Test func eventsWithoutDataAreDropped() {
        #expect(parse("event: ping\n\ndata: kept\n\n").events == [SSEEvent(data: "kept")])
        #expect(parse("data:\n\n").events == [SSEEvent(data: "")])
    }

    @Test func byteOrderMarkAtStartIsIgnored() {
        #expect(parse("\u{FEFF}data: x\n\n", splitAt: [1]).events == [SSEEvent(data: "x")])
    }

    @Test func invalidUTF8BecomesReplacementCharacters() {
        let bytes = Array("data: a".utf8) + [0xFF, 0xC3] + Array("\n\n".utf8)
        #expect(parse(bytes, splitAt: [8]).events == [SSEEvent(data: "a\u{FFFD}\u{FFFD}")])
    }

    @Test func streamEndingMidEventIsReported() {
        let unterminatedLine = parse("data: done\n\ndata: {\"partial\"")
        #expect(unterminatedLine.events == [SSEEvent(data: "done")])
        #expect(unterminatedLine.partial == SSEEvent(data: #"{"partial""#))

        let missingBlankLine = parse("event: delta\ndata: x\n")
        #expect(missingBlankLine.events.isEmpty)
        #expect(missingBlankLine.partial == SSEEvent(event: "delta", data: "x"))

        #expect(parse("data: x\n\n: trailing comment\n").partial == nil)
        #expect(parse("").partial == nil)
    }

    @Test func parserCanBeReusedAfterFinish() {
        var parser = SSEParser()
        _ = parser.feed(Data("data: cut".utf8))
        #expect(parser.finish() != nil)
        #expect(parser.feed(Data("data: fresh\n\n".utf8)) == [SSEEvent(data: "fresh")])
    }
}

struct NDJSONParserTests {
    @Test func linesAcrossChunksAndLineBreakStyles() {
        var parser = NDJSONParser()
        var lines = parser.feed(Data("{\"a\":\"é".utf8.prefix(7)))
        lines += parser.feed(Data(Array("{\"a\":\"é\"}\r\n\n  \n{\"b\":2}\n".utf8).dropFirst(7)))
        #expect(lines == [#"{"a":"é"}"#, #"{"b":2}"#])
        #expect(parser.finish() == nil)
    }

    @Test func unterminatedLastLineIsReturnedByFinish() {
        var parser = NDJSONParser()
        #expect(parser.feed(Data("{\"x\":1}\n{\"done\":tr".utf8)) == [#"{"x":1}"#])
        #expect(parser.finish() == #"{"done":tr"#)
        #expect(parser.finish() == nil)
    }
}
