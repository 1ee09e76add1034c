import FoundationEssentials
import OpenKoiCore
import OpenKoiTesting
import Testing

@testable import OpenKoiProviders

/// The AWS event-stream framing, against frames published in awslabs/aws-c-event-stream's
/// `tests/message_deserializer_test.c` and frames built byte by byte here.
struct EventStreamTests {
    /// aws-c-event-stream `test_outgoing_no_op_valid`: an empty frame.
    static let emptyFrame: [UInt8] = [
        0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x05, 0xc2, 0x48, 0xeb, 0x7d, 0x98, 0xc8, 0xff,
    ]

    /// aws-c-event-stream `test_outgoing_application_one_compressed_header_pair_valid`: one string
    /// header `content-type: application/json`, payload `{'foo':'bar'}`.
    static let headerFrame: [UInt8] =
        [0x00, 0x00, 0x00, 0x3D, 0x00, 0x00, 0x00, 0x20, 0x07, 0xFD, 0x83, 0x96, 0x0C]
        + Array("content-type".utf8) + [0x07, 0x00, 0x10] + Array("application/json".utf8)
        + Array("{'foo':'bar'}".utf8) + [0x8D, 0x9C, 0x08, 0xB1]

    @Test func publishedFramesDecode() throws {
        var parser = AWSEventStreamParser()
        let messages = try parser.feed(Self.emptyFrame + Self.headerFrame)
        #expect(
            messages == [
                AWSEventStreamMessage(headers: [:], payload: Data()),
                AWSEventStreamMessage(
                    headers: ["content-type": .string("application/json")], payload: Data("{'foo':'bar'}".utf8)),
            ])
        #expect(parser.pendingByteCount == 0)
    }

    /// The fixture encoder the fake server uses produces the published bytes exactly.
    @Test func fixtureEncoderMatchesThePublishedBytes() {
        #expect(BedrockFixtures.frame(headerBytes: [], payload: []) == Self.emptyFrame)
        #expect(
            BedrockFixtures.frame(
                headerBytes: BedrockFixtures.stringHeader("content-type", "application/json"),
                payload: Array("{'foo':'bar'}".utf8)) == Self.headerFrame)
    }

    /// Every split point of a two-frame stream, including one byte at a time, gives the same messages.
    @Test func framesSplitAcrossChunksReassemble() throws {
        let stream = Self.headerFrame + BedrockFixtures.textDelta("Paris")
        var whole = AWSEventStreamParser()
        let expected = try whole.feed(stream)
        #expect(expected.count == 2)
        for cut in 1..<stream.count {
            var parser = AWSEventStreamParser()
            let messages = try parser.feed(stream[..<cut]) + parser.feed(stream[cut...])
            #expect(messages == expected, "split at byte \(cut)")
        }
        var bytewise = AWSEventStreamParser()
        var messages: [AWSEventStreamMessage] = []
        for byte in stream { messages += try bytewise.feed([byte]) }
        #expect(messages == expected)
    }

    @Test func everyHeaderTypeParses() throws {
        func header(_ name: String, _ type: UInt8, _ value: [UInt8]) -> [UInt8] {
            [UInt8(name.utf8.count)] + Array(name.utf8) + [type] + value
        }
        let uuid: [UInt8] = Array(0..<16)
        let headers =
            header("t", 0, []) + header("f", 1, []) + header("b", 2, [0xff]) + header("s", 3, [0x01, 0x02])
            + header("i", 4, [0x00, 0x00, 0x01, 0x00]) + header("l", 5, [0, 0, 0, 0, 0, 0, 0x10, 0x00])
            + header("y", 6, [0x00, 0x02, 0xde, 0xad]) + header("str", 7, [0x00, 0x02] + Array("ok".utf8))
            + header("ts", 8, [0, 0, 0x01, 0x8c, 0, 0, 0, 0]) + header("u", 9, uuid)
        var parser = AWSEventStreamParser()
        let message = try #require(try parser.feed(BedrockFixtures.frame(headerBytes: headers, payload: [])).first)
        #expect(
            message.headers == [
                "t": .bool(true), "f": .bool(false), "b": .byte(-1), "s": .short(0x0102), "i": .int(256),
                "l": .long(4096), "y": .bytes(Data([0xde, 0xad])), "str": .string("ok"),
                "ts": .timestamp(0x018c_0000_0000), "u": .uuid(uuid),
            ])
        #expect(message.string("str") == "ok")
        #expect(message.string("i") == nil)
    }

    @Test func corruptPreludeCRCIsNamed() throws {
        var frame = Self.headerFrame
        frame[8] ^= 0xff
        let error = try #require(throws: ProviderError.self) { _ = try AWSEventStreamParser().feedOnce(frame) }
        #expect(error.kind == .malformedResponse)
        #expect(error.message.contains("prelude CRC32 mismatch"))
    }

    @Test func corruptMessageCRCIsNamed() throws {
        var frame = Self.headerFrame
        frame[frame.count - 5] ^= 0x20  // a payload byte
        let error = try #require(throws: ProviderError.self) { _ = try AWSEventStreamParser().feedOnce(frame) }
        #expect(error.kind == .malformedResponse)
        #expect(error.message.contains("message CRC32 mismatch (frame says 0x8D9C08B1"))
    }

    /// A frame declaring more than 16 MiB is refused from its prelude, before anything is buffered.
    @Test func oversizedFrameIsRefused() throws {
        let prelude = bigEndian32(UInt32((16 << 20) + 1)) + [0, 0, 0, 0]
        let frame = prelude + bigEndian32(CRC32.checksum(prelude))
        let error = try #require(throws: ProviderError.self) { _ = try AWSEventStreamParser().feedOnce(frame) }
        #expect(error.message.contains("16777217 bytes"))
        #expect(error.message.contains("16 MiB"))
    }

    @Test func headersLongerThanTheFrameAreRefused() throws {
        let prelude = bigEndian32(UInt32(20)) + bigEndian32(UInt32(8))
        let frame = prelude + bigEndian32(CRC32.checksum(prelude))
        let error = try #require(throws: ProviderError.self) { _ = try AWSEventStreamParser().feedOnce(frame) }
        #expect(error.kind == .malformedResponse)
    }

    @Test func cutShortHeaderIsMalformed() throws {
        // A string header whose declared value length (0x10) runs past the header block.
        let frame = BedrockFixtures.frame(headerBytes: [0x01, 0x61, 0x07, 0x00, 0x10, 0x61], payload: [])
        let error = try #require(throws: ProviderError.self) { _ = try AWSEventStreamParser().feedOnce(frame) }
        #expect(error.message.contains("frame header \"a\""))
    }

    @Test func bodyEndingInsideAFrameIsTruncated() async throws {
        let frames = BedrockFixtures.textDelta("Par") + BedrockFixtures.textDelta("is").prefix(9)
        let response = HTTPStreamingResponse(
            head: HTTPResponseHead(status: 200, headers: [:]),
            body: AsyncThrowingStream { continuation in
                continuation.yield(Data(frames))
                continuation.finish()
            })
        var received: [AWSEventStreamMessage] = []
        let error = await #expect(throws: ProviderError.self) {
            for try await message in response.awsEventStreamMessages() { received.append(message) }
        }
        #expect(received.count == 1)
        #expect(error?.message.contains("ended in the middle of a frame (truncated stream; 9 bytes") == true)
    }
}

extension AWSEventStreamParser {
    /// A fresh parser fed one chunk (for error tests).
    func feedOnce(_ bytes: [UInt8]) throws -> [AWSEventStreamMessage] {
        var parser = self
        return try parser.feed(bytes)
    }
}

private func bigEndian32(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)]
}
