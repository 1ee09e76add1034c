import FoundationEssentials
import OpenKoiCore
import OpenKoiTesting
import Testing

@testable import OpenKoiProviders

/// The Bedrock adapter against an in-memory transport: the requests it builds and how it reads JSON
/// answers and errors. Streams over real HTTP are in `BedrockLiveTests`.
struct BedrockProviderTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let token = "FQoGZXIvYXdzEXAMPLE-session-token"
    let model = "anthropic.claude-sonnet-4-20250514-v1:0"

    func provider(_ transport: any HTTPTransport, token: String? = nil, streaming: Bool = true) throws
        -> BedrockProvider
    {
        let credentials = try #require(
            AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: Self.secret, sessionToken: token))
        return BedrockProvider(
            credentials: credentials, region: "eu-west-1", runtimeBaseURL: "http://127.0.0.1:1/",
            controlBaseURL: "http://127.0.0.1:2", streaming: streaming, transport: transport,
            now: { Date(timeIntervalSince1970: 1_440_938_160) })
    }

    func error(status: Int, type: String?, body: String, headers: [String: String] = [:]) async throws
        -> ProviderError
    {
        var all = headers
        if let type { all["x-amzn-errortype"] = "\(type):http://internal.amazon.com/coral/com.amazon.coral.service/" }
        let transport = ScriptedTransport([.respond(status: status, headers: all, chunks: [body])])
        let (_, error) = await drain(try provider(transport).stream(ChatRequest(model: model, messages: [.user("x")])))
        return try #require(error as? ProviderError)
    }

    @Test func requestIsSignedAndShapedForConverse() async throws {
        let transport = ScriptedTransport([
            .respond(
                headers: ["content-type": "application/json"],
                chunks: [
                    BedrockFixtures.converse(
                        content: [["text": "Paris."]], stopReason: "end_turn", input: 14, output: 2)
                ])
        ])
        let request = ChatRequest(
            model: model, system: "Be brief.", messages: [.system("Answer in English."), .user("Capital of France?")],
            tools: [weatherTool], maxTokens: 256, temperature: 0.2, stop: ["\n\nHuman:"])
        let response = try await provider(transport, token: Self.token, streaming: false).chat(request)
        #expect(response == ChatResponse(content: "Paris.", usage: TokenUsage(inputTokens: 14, outputTokens: 2)))

        let sent = try #require(await transport.requests.first)
        #expect(sent.method == "POST")
        #expect(sent.url == "http://127.0.0.1:1/model/anthropic.claude-sonnet-4-20250514-v1%3A0/converse")
        #expect(sent.headers["host"] == "127.0.0.1:1")
        #expect(sent.headers["accept"] == "application/json")
        #expect(sent.headers["content-type"] == "application/json")
        #expect(sent.headers["x-amz-date"] == "20150830T123600Z")
        #expect(sent.headers["x-amz-security-token"] == Self.token)
        let authorization = try #require(sent.headers["authorization"])
        #expect(
            authorization.hasPrefix(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/bedrock/aws4_request, "
                    + "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature="))
        #expect(authorization.split(separator: "Signature=").last?.count == 64)
        #expect(
            sent.body == [
                "messages": [["role": "user", "content": [["text": "Capital of France?"]]]],
                "system": [["text": "Be brief.\n\nAnswer in English."]],
                "inferenceConfig": ["maxTokens": 256, "temperature": 0.2, "stopSequences": ["\n\nHuman:"]],
                "toolConfig": [
                    "tools": [
                        [
                            "toolSpec": [
                                "name": "get_weather", "description": "Current weather for a city",
                                "inputSchema": ["json": weatherTool.parameters],
                            ]
                        ]
                    ]
                ],
            ])
    }

    @Test func toolRoundTripCarriesToolUseAndMergedResults() async throws {
        let a = ToolCall(id: "tooluse_a", name: "get_weather", arguments: ["city": "Paris"])
        let b = ToolCall(id: "tooluse_b", name: "get_weather", arguments: .string("{not json"))
        let transport = ScriptedTransport([
            .respond(
                headers: ["content-type": "application/json"],
                chunks: [
                    BedrockFixtures.converse(content: [["text": "ok"]], stopReason: "end_turn", input: 1, output: 1)
                ])
        ])
        let request = ChatRequest(
            model: model,
            messages: [
                .user("weather?"), .assistant("Let me check.", toolCalls: [a, b]),
                .toolResult(for: a, content: "sunny"),
                .toolResult(for: b, content: ""), .user("thanks"),
            ])
        _ = try await provider(transport, streaming: false).chat(request)
        let body = try #require(await transport.requests.first?.body)
        #expect(
            body["messages"] == [
                ["role": "user", "content": [["text": "weather?"]]],
                [
                    "role": "assistant",
                    "content": [
                        ["text": "Let me check."],
                        ["toolUse": ["toolUseId": "tooluse_a", "name": "get_weather", "input": ["city": "Paris"]]],
                        ["toolUse": ["toolUseId": "tooluse_b", "name": "get_weather", "input": [:]]],
                    ],
                ],
                [
                    "role": "user",
                    "content": [
                        ["toolResult": ["toolUseId": "tooluse_a", "content": [["text": "sunny"]]]],
                        ["toolResult": ["toolUseId": "tooluse_b", "content": [["text": "(no output)"]]]],
                        ["text": "thanks"],
                    ],
                ],
            ])
        #expect(body["inferenceConfig"] == ["maxTokens": 4096])
        #expect(body["toolConfig"] == nil)
    }

    @Test func throttlingWithAndWithoutRetryAfter() async throws {
        let bare = try await error(status: 429, type: "ThrottlingException", body: BedrockFixtures.throttled)
        #expect(bare.kind == .rateLimited(retryAfter: nil))
        #expect(bare.message == "HTTP 429 ThrottlingException: Too many requests, please wait before trying again.")
        let hinted = try await error(
            status: 429, type: "ThrottlingException", body: BedrockFixtures.throttled, headers: ["retry-after": "3"])
        #expect(hinted.kind == .rateLimited(retryAfter: 3))
        let notReady = try await error(
            status: 429, type: "ModelNotReadyException", body: BedrockFixtures.error("Model is not ready"))
        #expect(notReady.isRetriable)
    }

    @Test func inputTooLongIsAContextOverflow() async throws {
        let failure = try await error(status: 400, type: "ValidationException", body: BedrockFixtures.inputTooLong)
        #expect(failure.kind == .contextOverflow)
        #expect(failure.message.contains("Input is too long for requested model."))
    }

    @Test func onDemandUnsupportedSaysToUseAnInferenceProfile() async throws {
        let failure = try await error(
            status: 400, type: "ValidationException",
            body: BedrockFixtures.error(
                "Invocation of model ID anthropic.claude-sonnet-4-20250514-v1:0 with on-demand throughput isn’t "
                    + "supported. Retry your request with the ID or ARN of an inference profile that contains this model."
            ))
        #expect(failure.kind == .http(status: 400))
        #expect(failure.message.hasSuffix("(use the model's inference profile id, e.g. us.<model id>, as the model)"))
    }

    @Test(arguments: ["AccessDeniedException", "UnrecognizedClientException", "ExpiredTokenException"])
    func credentialProblemsAreAuthenticationErrors(type: String) async throws {
        // A server quoting the secret back must not get it into the error.
        let failure = try await error(status: 403, type: type, body: BedrockFixtures.error("bad key \(Self.secret)"))
        #expect(failure.kind == .authentication)
        #expect(failure.provider == "bedrock")
        #expect(failure.message.hasPrefix("HTTP 403 \(type): bad key [redacted] (check AWS_ACCESS_KEY_ID"))
    }

    @Test func typeFromTheBodyWhenTheHeaderIsMissing() async throws {
        let failure = try await error(
            status: 400, type: nil,
            body:
                #"{"__type":"com.amazon.coral.service#ExpiredTokenException","message":"The security token included in the request is expired"}"#
        )
        #expect(failure.kind == .authentication)
        #expect(failure.message.hasPrefix("HTTP 400 ExpiredTokenException: The security token"))
    }

    @Test func serverErrorsAreRetriable() async throws {
        let unavailable = try await error(
            status: 503, type: "ServiceUnavailableException", body: BedrockFixtures.error("Service unavailable"))
        #expect(unavailable.kind == .http(status: 503))
        #expect(unavailable.isRetriable)
        let serverError = try await error(status: 500, type: "InternalServerException", body: "")
        #expect(serverError.kind == .http(status: 500))
        #expect(serverError.message == "HTTP 500 InternalServerException: no error message")
        let timeout = try await error(status: 408, type: "ModelTimeoutException", body: BedrockFixtures.error("slow"))
        #expect(timeout.isRetriable)
        let modelError = try await error(status: 424, type: "ModelErrorException", body: BedrockFixtures.error("bad"))
        #expect(modelError.kind == .http(status: 424))
        #expect(!modelError.isRetriable)
    }

    @Test func htmlFromAProxyIsReportedAsSuch() async throws {
        let transport = ScriptedTransport([
            .respond(headers: ["content-type": "text/html"], chunks: ["<html>Sign in to the Wi-Fi</html>"])
        ])
        let (_, error) = await drain(try provider(transport).stream(ChatRequest(model: model, messages: [.user("x")])))
        let failure = try #require(error as? ProviderError)
        #expect(failure.kind == .malformedResponse)
        #expect(failure.message.contains("text/html instead of an event stream"))
    }

    @Test func emptyModelUsesTheDefault() async throws {
        let transport = ScriptedTransport([.respond(status: 500, chunks: [""])])
        _ = await drain(try provider(transport).stream(ChatRequest(model: "", messages: [.user("x")])))
        #expect(
            await transport.requests.first?.url
                == "http://127.0.0.1:1/model/anthropic.claude-sonnet-4-20250514-v1%3A0/converse-stream")
    }

    @Test func modelsListsOnDemandTextModels() async throws {
        let transport = ScriptedTransport([
            .respond(
                headers: ["content-type": "application/json"],
                chunks: [
                    BedrockFixtures.foundationModels([
                        ("amazon.nova-pro-v1:0", ["ON_DEMAND"], ["TEXT"]),
                        ("anthropic.claude-sonnet-4-20250514-v1:0", ["INFERENCE_PROFILE"], ["TEXT"]),
                        ("amazon.titan-image-generator-v2:0", ["ON_DEMAND", "PROVISIONED"], ["IMAGE"]),
                        ("cohere.command-r-v1:0", ["ON_DEMAND"], ["TEXT"]),
                    ])
                ])
        ])
        let models = try await provider(transport).models()
        #expect(models.map(\.id) == ["amazon.nova-pro-v1:0", "cohere.command-r-v1:0"])
        #expect(models.first == ModelCatalog.bedrock.first { $0.id == "amazon.nova-pro-v1:0" })
        #expect(models.last == ModelInfo(id: "cohere.command-r-v1:0"))
        let sent = try #require(await transport.requests.first)
        #expect(sent.method == "GET")
        #expect(sent.url == "http://127.0.0.1:2/foundation-models?byInferenceType=ON_DEMAND&byOutputModality=TEXT")
        #expect(sent.headers["host"] == "127.0.0.1:2")
        #expect(sent.headers["authorization"]?.contains("/eu-west-1/bedrock/aws4_request") == true)
    }

    @Test func modelsThatAreNotJSONFail() async throws {
        let transport = ScriptedTransport([.respond(chunks: ["<xml/>"])])
        await #expect(throws: ProviderError.self) { try await provider(transport).models() }
    }

    @Test func environment() throws {
        let base = ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": Self.secret]
        let plain = try #require(AWSCredentials.fromEnvironment(base))
        #expect(plain.region == "us-east-1")
        #expect(!plain.credentials.hasSessionToken)
        let regional = try #require(
            AWSCredentials.fromEnvironment(
                base.merging(["AWS_DEFAULT_REGION": "eu-central-1", "AWS_SESSION_TOKEN": Self.token]) { $1 }))
        #expect(regional.region == "eu-central-1")
        #expect(regional.credentials.hasSessionToken)
        #expect(
            AWSCredentials.fromEnvironment(
                base.merging(["AWS_REGION": "ap-south-1", "AWS_DEFAULT_REGION": "x"]) { $1 })?
                .region == "ap-south-1")
        #expect(AWSCredentials.fromEnvironment(["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE"]) == nil)

        let transport = ScriptedTransport([])
        let defaults = try #require(BedrockProvider.fromEnvironment(base, transport: transport))
        #expect(defaults.runtimeBaseURL == "https://bedrock-runtime.us-east-1.amazonaws.com")
        #expect(defaults.controlBaseURL == "https://bedrock.us-east-1.amazonaws.com")
        #expect(defaults.defaultModel == "anthropic.claude-sonnet-4-20250514-v1:0")
        let custom = try #require(
            BedrockProvider.fromEnvironment(
                base.merging([
                    "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": "http://127.0.0.1:9000", "AWS_ENDPOINT_URL": "http://proxy:1",
                    "BEDROCK_DEFAULT_MODEL": "amazon.nova-pro-v1:0",
                ]) { $1 }, transport: transport))
        #expect(custom.runtimeBaseURL == "http://127.0.0.1:9000")
        #expect(custom.controlBaseURL == "http://proxy:1")
        #expect(custom.defaultModel == "amazon.nova-pro-v1:0")
        #expect(!"\(custom)".contains(Self.secret))
    }
}
