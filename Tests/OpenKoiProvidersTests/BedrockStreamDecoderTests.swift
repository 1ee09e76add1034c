import FoundationEssentials
import OpenKoiCore
import OpenKoiTesting
import Testing

@testable import OpenKoiProviders

/// ConverseStream messages to chat events, frame by frame.
struct BedrockStreamDecoderTests {
    func decode(_ frames: [[UInt8]]) throws -> (events: [ChatStreamEvent], finished: Bool) {
        var parser = AWSEventStreamParser()
        var decoder = BedrockStreamDecoder(provider: "bedrock")
        var events: [ChatStreamEvent] = []
        for message in try parser.feed(frames.flatMap { $0 }) { events += try decoder.consume(message) }
        let finished = decoder.isFinished
        events += try decoder.finish()
        return (events, finished)
    }

    func failure(_ frames: [[UInt8]]) throws -> ProviderError {
        try #require(throws: ProviderError.self) { _ = try decode(frames) }
    }

    @Test func textThenUsageThenStop() throws {
        let (events, finished) = try decode(
            BedrockFixtures.textStream(["Par", "is"], input: 12, output: 3, cacheRead: 40, cacheWrite: 7))
        #expect(finished)
        #expect(
            events == [
                .textDelta("Par"), .textDelta("is"),
                .usage(TokenUsage(inputTokens: 12, outputTokens: 3, cacheReadTokens: 40, cacheWriteTokens: 7)),
                .stop(.endTurn),
            ])
    }

    @Test func toolInputFragmentsBecomeOneCall() throws {
        let (events, _) = try decode(
            BedrockFixtures.toolUseStream(
                text: "Checking.", id: "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", name: "get_weather",
                inputPieces: ["{\"ci", "ty\": \"Pa", "ris\"}"]))
        #expect(
            events == [
                .textDelta("Checking."),
                .toolCall(
                    ToolCall(id: "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", name: "get_weather", arguments: ["city": "Paris"])),
                .usage(TokenUsage(inputTokens: 20, outputTokens: 8)), .stop(.toolUse),
            ])
    }

    @Test func toolWithoutInputHasEmptyArguments() throws {
        let (events, _) = try decode([
            BedrockFixtures.toolUseStart(id: "t1", name: "list_files", index: 0), BedrockFixtures.blockStop(index: 0),
            BedrockFixtures.messageStop("tool_use"),
        ])
        #expect(events == [.toolCall(ToolCall(id: "t1", name: "list_files", arguments: [:])), .stop(.toolUse)])
    }

    @Test(arguments: [
        ("end_turn", StopReason.endTurn), ("tool_use", .toolUse), ("max_tokens", .maxTokens),
        ("stop_sequence", .stopSequence), ("guardrail_intervened", .unknown), ("content_filtered", .unknown),
    ])
    func stopReasons(wire: String, reason: StopReason) throws {
        let (events, _) = try decode([BedrockFixtures.messageStop(wire), BedrockFixtures.metadata(input: 1, output: 1)])
        #expect(events.last == .stop(reason))
    }

    @Test func streamCutBeforeMessageStopIsTruncated() throws {
        let error = try failure([BedrockFixtures.messageStart, BedrockFixtures.textDelta("Par")])
        #expect(error.kind == .malformedResponse)
        #expect(error.message.contains("truncated"))
    }

    @Test func throttlingExceptionFrameIsARateLimit() throws {
        let error = try failure([
            BedrockFixtures.messageStart, BedrockFixtures.exception("throttlingException", message: "Too many tokens"),
        ])
        #expect(error.kind == .rateLimited(retryAfter: nil))
        #expect(error.message == "stream exception throttlingException: Too many tokens")
    }

    @Test func validationExceptionAboutLengthIsAnOverflow() throws {
        let error = try failure([
            BedrockFixtures.exception("validationException", message: "Input is too long for requested model.")
        ])
        #expect(error.kind == .contextOverflow)
        let other = try failure([
            BedrockFixtures.exception("validationException", message: "messages.1.content: blank text field")
        ])
        #expect(other.kind == .http(status: 400))
        #expect(!other.isRetriable)
    }

    @Test(arguments: [
        "internalServerException", "serviceUnavailableException", "modelStreamErrorException",
    ])
    func serverSideExceptionsAreRetriable(type: String) throws {
        let error = try failure([BedrockFixtures.exception(type, message: "try again")])
        #expect(error.isRetriable)
        #expect(error.message.hasPrefix("stream exception \(type): try again"))
    }

    @Test func payloadThatIsNotJSONIsMalformed() throws {
        let frame = BedrockFixtures.frame(
            headerBytes: BedrockFixtures.stringHeader(":event-type", "contentBlockDelta")
                + BedrockFixtures.stringHeader(":message-type", "event"),
            payload: Array("{\"delta\": ".utf8))
        let error = try failure([frame])
        #expect(error.kind == .malformedResponse)
        #expect(error.message.contains("contentBlockDelta event's payload is not a JSON object"))
    }

    @Test func frameWithoutMessageTypeIsMalformed() throws {
        let error = try failure([BedrockFixtures.frame(headerBytes: [], payload: Array("{}".utf8))])
        #expect(error.message.contains(":message-type missing"))
    }

    @Test func wholeConverseAnswer() throws {
        var decoder = BedrockStreamDecoder(provider: "bedrock")
        let answer = try #require(
            JSONValue.parse(
                BedrockFixtures.converse(
                    content: [
                        ["text": "Let me look."],
                        ["toolUse": ["toolUseId": "tu_1", "name": "get_weather", "input": ["city": "Oslo"]]],
                    ], stopReason: "tool_use", input: 30, output: 9)))
        #expect(
            try decoder.decode(wholeAnswer: answer) == [
                .usage(TokenUsage(inputTokens: 30, outputTokens: 9)), .textDelta("Let me look."),
                .toolCall(ToolCall(id: "tu_1", name: "get_weather", arguments: ["city": "Oslo"])), .stop(.toolUse),
            ])
        #expect(throws: ProviderError.self) { try decoder.decode(wholeAnswer: ["message": "nope"]) }
    }
}
