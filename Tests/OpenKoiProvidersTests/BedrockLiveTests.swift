import FoundationEssentials
import OpenKoiCore
import OpenKoiTesting
import Testing

@testable import OpenKoiProviders

/// The Bedrock adapter against `FakeBedrockServer` over real HTTP (libcurl to 127.0.0.1). The fake
/// checks every request's signature, so each passing exchange also proves we signed what we sent.
struct BedrockLiveTests {
    let model = "anthropic.claude-sonnet-4-20250514-v1:0"
    let modelPath = "/model/anthropic.claude-sonnet-4-20250514-v1%3A0"

    func provider(
        _ fake: FakeBedrockServer, secret: String = FakeBedrockServer.secretAccessKey, token: String? = nil,
        streaming: Bool = true
    ) throws -> BedrockProvider {
        let credentials = try #require(
            AWSCredentials(accessKeyID: FakeBedrockServer.accessKeyID, secretAccessKey: secret, sessionToken: token))
        return BedrockProvider(
            credentials: credentials, region: "us-east-1", runtimeBaseURL: fake.baseURL, controlBaseURL: fake.baseURL,
            streaming: streaming, transport: CurlTransport())
    }

    @Test func streamedTextAndUsage() async throws {
        let fake = try FakeBedrockServer([.text(["Pa", "ris"], inputTokens: 14, outputTokens: 2, cacheRead: 30)])
        defer { fake.shutdown() }
        let (events, error) = await drain(
            try provider(fake).stream(
                ChatRequest(model: model, system: "One word.", messages: [.user("Capital of France?")])))
        #expect(error == nil)
        #expect(
            events == [
                .textDelta("Pa"), .textDelta("ris"),
                .usage(TokenUsage(inputTokens: 14, outputTokens: 2, cacheReadTokens: 30)), .stop(.endTurn),
            ])
        #expect(fake.signatureRejections.isEmpty)
        let sent = try #require(await fake.requests.first)
        #expect(sent.method == "POST")
        #expect(sent.path == "\(modelPath)/converse-stream")
        #expect(sent.header("accept") == "application/vnd.amazon.eventstream")
        #expect(sent.header("x-amz-security-token") == nil)
        #expect(sent.header("authorization")?.contains("SignedHeaders=content-type;host;x-amz-date,") == true)
        #expect(
            JSONValue.parse(sent.body) == [
                "messages": [["role": "user", "content": [["text": "Capital of France?"]]]],
                "system": [["text": "One word."]], "inferenceConfig": ["maxTokens": 4096],
            ])
    }

    /// Frames cut into 5-byte chunks, so nearly every one straddles a chunk boundary.
    @Test func framesSplitAcrossChunks() async throws {
        let fake = try FakeBedrockServer([.text(["Par", "is"], inputTokens: 3, outputTokens: 1)], chunkBytes: 5)
        defer { fake.shutdown() }
        let response = try await provider(fake).chat(ChatRequest(model: model, messages: [.user("?")]))
        #expect(response.content == "Paris")
        #expect(response.usage == TokenUsage(inputTokens: 3, outputTokens: 1))
        #expect(response.stopReason == .endTurn)
    }

    @Test func toolRoundTrip() async throws {
        let fake = try FakeBedrockServer([
            .toolUse(
                text: "Checking.", id: "tooluse_Oslo1", name: "get_weather", inputPieces: ["{\"city\":", "\"Oslo\"}"]),
            .text(["Snow."]),
        ])
        defer { fake.shutdown() }
        let subject = try provider(fake)
        var conversation = [ChatMessage.user("Weather in Oslo?")]
        let first = try await subject.chat(ChatRequest(model: model, messages: conversation, tools: [weatherTool]))
        #expect(first.content == "Checking.")
        #expect(first.toolCalls == [ToolCall(id: "tooluse_Oslo1", name: "get_weather", arguments: ["city": "Oslo"])])
        #expect(first.stopReason == .toolUse)
        conversation += [
            .assistant(first.content, toolCalls: first.toolCalls),
            .toolResult(for: first.toolCalls[0], content: "-3 °C, snow"),
        ]
        let second = try await subject.chat(ChatRequest(model: model, messages: conversation, tools: [weatherTool]))
        #expect(second.content == "Snow.")

        let requests = await fake.requests
        #expect(requests.count == 2)
        let body = try #require(JSONValue.parse(requests[1].body))
        #expect(
            body["messages"] == [
                ["role": "user", "content": [["text": "Weather in Oslo?"]]],
                [
                    "role": "assistant",
                    "content": [
                        ["text": "Checking."],
                        ["toolUse": ["toolUseId": "tooluse_Oslo1", "name": "get_weather", "input": ["city": "Oslo"]]],
                    ],
                ],
                [
                    "role": "user",
                    "content": [["toolResult": ["toolUseId": "tooluse_Oslo1", "content": [["text": "-3 °C, snow"]]]]],
                ],
            ])
        #expect(body["toolConfig"]?["tools"]?[0]?["toolSpec"]?["name"] == "get_weather")
        #expect(fake.signatureRejections.isEmpty)
    }

    @Test func nonStreamedConverse() async throws {
        let fake = try FakeBedrockServer([
            .text(["Paris."], inputTokens: 9, outputTokens: 2),
            .toolUse(text: "Looking.", id: "tu_9", name: "get_weather", inputPieces: ["{\"city\":\"Rome\"}"]),
        ])
        defer { fake.shutdown() }
        let subject = try provider(fake, streaming: false)
        let answer = try await subject.chat(ChatRequest(model: model, messages: [.user("Capital of France?")]))
        #expect(answer == ChatResponse(content: "Paris.", usage: TokenUsage(inputTokens: 9, outputTokens: 2)))
        let tool = try await subject.chat(ChatRequest(model: model, messages: [.user("Rome?")], tools: [weatherTool]))
        #expect(tool.toolCalls == [ToolCall(id: "tu_9", name: "get_weather", arguments: ["city": "Rome"])])
        #expect(tool.stopReason == .toolUse)
        let requests = await fake.requests
        #expect(requests.map(\.path) == ["\(modelPath)/converse", "\(modelPath)/converse"])
        #expect(requests.first?.header("accept") == "application/json")
    }

    @Test func sessionTokenIsSentAndSigned() async throws {
        let token = "IQoJb3JpZ2luX2VjEXAMPLE//token+with/slashes=="
        let fake = try FakeBedrockServer([.text(["ok"])], sessionToken: token)
        defer { fake.shutdown() }
        let response = try await provider(fake, token: token).chat(ChatRequest(model: model, messages: [.user("hi")]))
        #expect(response.content == "ok")
        #expect(fake.signatureRejections.isEmpty)
        let sent = try #require(await fake.requests.first)
        #expect(sent.header("x-amz-security-token") == token)
        #expect(
            sent.header("authorization")?.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,")
                == true)

        // Without the token the fake refuses, as AWS would for temporary credentials.
        let (_, error) = await drain(try provider(fake).stream(ChatRequest(model: model, messages: [.user("hi")])))
        #expect((error as? ProviderError)?.kind == .authentication)
        #expect(fake.signatureRejections == ["x-amz-security-token is missing or wrong"])
    }

    @Test func wrongSecretFailsTheFakesSignatureCheck() async throws {
        let fake = try FakeBedrockServer([.text(["never"])])
        defer { fake.shutdown() }
        let wrong = "not-the-secret-key-0000000000000000000000"
        let (_, error) = await drain(
            try provider(fake, secret: wrong).stream(ChatRequest(model: model, messages: [.user("hi")])))
        let failure = try #require(error as? ProviderError)
        #expect(failure.kind == .authentication)
        #expect(failure.message.hasPrefix("HTTP 403 InvalidSignatureException: The request signature we calculated"))
        #expect(!failure.description.contains(wrong))
        let rejection = try #require(fake.signatureRejections.first)
        #expect(rejection.contains("/model/anthropic.claude-sonnet-4-20250514-v1%253A0/converse-stream\n"))
    }

    @Test func errorsAreClassified() async throws {
        let fake = try FakeBedrockServer([
            .throttled(), .throttled(retryAfter: "3"), .inputTooLong, .accessDenied, .serviceUnavailable,
            .exceptionMidStream(type: "throttlingException", message: "slow down"),
            .exceptionMidStream(type: "validationException", message: "Input is too long for requested model."),
        ])
        defer { fake.shutdown() }
        var kinds: [ProviderError.Kind] = []
        for _ in 0..<7 {
            let (_, error) = await drain(try provider(fake).stream(ChatRequest(model: model, messages: [.user("x")])))
            let failure = try #require(error as? ProviderError)
            #expect(failure.provider == "bedrock")
            #expect(!failure.description.contains(FakeBedrockServer.secretAccessKey))
            kinds.append(failure.kind)
        }
        #expect(
            kinds == [
                .rateLimited(retryAfter: nil), .rateLimited(retryAfter: 3), .contextOverflow, .authentication,
                .http(status: 503), .rateLimited(retryAfter: nil), .contextOverflow,
            ])
        #expect(fake.signatureRejections.isEmpty)
    }

    @Test func corruptAndTruncatedStreams() async throws {
        let fake = try FakeBedrockServer([.corruptCRC, .truncated(["Par"])])
        defer { fake.shutdown() }
        let (corruptEvents, corrupt) = await drain(
            try provider(fake).stream(ChatRequest(model: model, messages: [.user("x")])))
        #expect(corruptEvents.isEmpty)
        let corruptFailure = try #require(corrupt as? ProviderError)
        #expect(corruptFailure.kind == .malformedResponse)
        #expect(corruptFailure.message.contains("message CRC32 mismatch"))

        let (events, truncated) = await drain(
            try provider(fake).stream(ChatRequest(model: model, messages: [.user("x")])))
        #expect(events == [.textDelta("Par")])
        let failure = try #require(truncated as? ProviderError)
        #expect(failure.kind == .malformedResponse)
        #expect(failure.message.contains("truncated"))
    }

    @Test func modelsList() async throws {
        let fake = try FakeBedrockServer(
            [],
            models: BedrockFixtures.foundationModels([
                ("meta.llama3-3-70b-instruct-v1:0", ["ON_DEMAND"], ["TEXT"]),
                ("amazon.titan-embed-text-v2:0", ["ON_DEMAND"], ["EMBEDDING"]),
                ("anthropic.claude-opus-4-20250514-v1:0", ["INFERENCE_PROFILE"], ["TEXT"]),
            ]))
        defer { fake.shutdown() }
        let models = try await provider(fake).models()
        #expect(models.map(\.id) == ["meta.llama3-3-70b-instruct-v1:0"])
        #expect(models.first?.contextWindow == 128_000)
        #expect(models.first?.pricing == ModelPricing(inputPerMTok: 0.72, outputPerMTok: 0.72))
        let sent = try #require(await fake.requests.first)
        #expect(sent.method == "GET")
        #expect(sent.path == "/foundation-models?byInferenceType=ON_DEMAND&byOutputModality=TEXT")
        #expect(fake.signatureRejections.isEmpty)
    }
}
