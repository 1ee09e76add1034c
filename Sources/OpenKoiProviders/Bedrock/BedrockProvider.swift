import FoundationEssentials
import OpenKoiCore

/// Amazon Bedrock's Converse API (`/model/{id}/converse-stream`, binary event stream), signed with SigV4.
public struct BedrockProvider: ModelProvider, CustomStringConvertible {
    public let id: String
    public let region: String
    /// The runtime root, e.g. `https://bedrock-runtime.us-east-1.amazonaws.com`.
    public let runtimeBaseURL: String
    /// The control-plane root that lists models, e.g. `https://bedrock.us-east-1.amazonaws.com`.
    public let controlBaseURL: String
    /// Used when a request names no model.
    public let defaultModel: String
    /// `false` asks `/converse` for one whole JSON answer instead of a stream.
    public let streaming: Bool
    private let signer: AWSSigner
    private let transport: any HTTPTransport
    private let now: @Sendable () -> Date

    public static let defaultModelID = "anthropic.claude-sonnet-4-20250514-v1:0"
    /// Both planes sign as `bedrock`, though the runtime's host is `bedrock-runtime`.
    public static let signingName = "bedrock"

    public static func defaultRuntimeURL(region: String) -> String { "https://bedrock-runtime.\(region).amazonaws.com" }
    public static func defaultControlURL(region: String) -> String { "https://bedrock.\(region).amazonaws.com" }

    /// - Parameters:
    ///   - id: provider id used in `provider/model` and in errors.
    ///   - credentials: the key pair (and session token) requests are signed with.
    ///   - region: the signing region, and the region in the default hosts.
    ///   - runtimeBaseURL: overrides the runtime root (a proxy, a VPC endpoint, a test server).
    ///   - controlBaseURL: overrides the control-plane root used by `models()`.
    ///   - defaultModel: the model for requests whose `model` is empty.
    ///   - streaming: `true` for `/converse-stream`, `false` for `/converse`.
    ///   - transport: the HTTP client.
    ///   - now: the signing clock.
    public init(
        id: String = "bedrock", credentials: AWSCredentials, region: String, runtimeBaseURL: String? = nil,
        controlBaseURL: String? = nil, defaultModel: String = BedrockProvider.defaultModelID, streaming: Bool = true,
        transport: any HTTPTransport, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.id = id
        self.region = region
        self.runtimeBaseURL = runtimeBaseURL ?? Self.defaultRuntimeURL(region: region)
        self.controlBaseURL = controlBaseURL ?? Self.defaultControlURL(region: region)
        self.defaultModel = defaultModel
        self.streaming = streaming
        signer = AWSSigner(credentials: credentials, region: region, service: Self.signingName)
        self.transport = transport
        self.now = now
    }

    /// The provider the AWS environment describes: credentials and region (`AWSCredentials.fromEnvironment`),
    /// `BEDROCK_DEFAULT_MODEL`, and the SDKs' endpoint overrides `AWS_ENDPOINT_URL_BEDROCK_RUNTIME` and
    /// `AWS_ENDPOINT_URL_BEDROCK` (each else `AWS_ENDPOINT_URL`). `nil` without credentials.
    public static func fromEnvironment(_ env: [String: String], transport: any HTTPTransport) -> BedrockProvider? {
        guard let (credentials, region) = AWSCredentials.fromEnvironment(env) else { return nil }
        func value(_ names: String...) -> String? {
            names.lazy.compactMap { env[$0]?.trimmed }.first { !$0.isEmpty }
        }
        return BedrockProvider(
            credentials: credentials, region: region,
            runtimeBaseURL: value("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "AWS_ENDPOINT_URL"),
            controlBaseURL: value("AWS_ENDPOINT_URL_BEDROCK", "AWS_ENDPOINT_URL"),
            defaultModel: defaultModel(env), transport: transport)
    }

    /// `BEDROCK_DEFAULT_MODEL`, else `anthropic.claude-sonnet-4-20250514-v1:0`.
    public static func defaultModel(_ env: [String: String]) -> String {
        env["BEDROCK_DEFAULT_MODEL"].map(\.trimmed).flatMap { $0.isEmpty ? nil : $0 } ?? defaultModelID
    }

    public var description: String { "BedrockProvider(\(id), \(region), \(runtimeBaseURL))" }

    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        let model = request.model.isEmpty ? defaultModel : request.model
        let path = "/model/\(AWSSigner.pathSegment(model))/\(streaming ? "converse-stream" : "converse")"
        let http = HTTPRequest(
            method: "POST", url: endpoint(runtimeBaseURL, path),
            headers: [
                ("Accept", streaming ? "application/vnd.amazon.eventstream" : "application/json"),
                ("Content-Type", "application/json"), ("User-Agent", "openkoi"),
            ],
            body: jsonBody(BedrockRequestBody.make(request)))
        return chatEventStream(provider: id, secret: nil) { [self] emit in
            do {
                let response = try await send(http)
                try await decode(response, emit: emit)
            } catch {
                throw scrubbed(error)
            }
        }
    }

    /// The foundation models this account can call on demand with text output
    /// (`GET /foundation-models`), with limits and prices from the static catalog where it knows them.
    public func models() async throws -> [ModelInfo] {
        let request = HTTPRequest(
            url: endpoint(controlBaseURL, "/foundation-models?byInferenceType=ON_DEMAND&byOutputModality=TEXT"),
            headers: [("Accept", "application/json"), ("User-Agent", "openkoi")], timeout: 10, connectTimeout: 10)
        do {
            let response = try await send(request)
            guard let json = JSONValue.parse(try await response.collectBody()) else {
                throw ProviderError.malformed(id, "the foundation-models list is not valid JSON")
            }
            return Self.modelInfos(json)
        } catch {
            throw scrubbed(error)
        }
    }

    /// Keeps models that answer with text and can be invoked on demand (the others need a provisioned
    /// throughput or an inference profile, so calling them by id fails).
    static func modelInfos(_ json: JSONValue) -> [ModelInfo] {
        (json["modelSummaries"]?.arrayValue ?? []).compactMap { summary in
            guard let modelID = summary["modelId"]?.stringValue,
                summary["inferenceTypesSupported"]?.arrayValue?.contains("ON_DEMAND") == true,
                summary["outputModalities"]?.arrayValue?.contains("TEXT") == true
            else { return nil }
            return ModelCatalog.bedrock.first { $0.id == modelID } ?? ModelInfo(id: modelID)
        }
    }

    /// Signs and sends `request`; a non-2xx answer is read and thrown classified.
    private func send(_ request: HTTPRequest) async throws -> HTTPStreamingResponse {
        let response = try await transport.send(signer.sign(request, at: now()))
        guard (200..<300).contains(response.head.status) else {
            let body = (try? await response.collectBody(limit: 64 << 10)) ?? Data()
            throw ProviderError.fromBedrockHTTP(
                status: response.head.status, headers: response.head.headers, body: body, provider: id)
        }
        return response
    }

    /// Reads a 2xx answer by its content type: the binary event stream, a whole JSON answer (from
    /// `/converse`, or a proxy that does not stream), or anything else reported as such.
    private func decode(_ response: HTTPStreamingResponse, emit: (ChatStreamEvent) -> Void) async throws {
        var decoder = BedrockStreamDecoder(provider: id)
        let type = (response.head.headers["content-type"] ?? "").lowercased()
        if type.contains("amazon.eventstream") || (type.isEmpty && streaming) {
            do {
                for try await message in response.awsEventStreamMessages() {
                    for event in try decoder.consume(message) { emit(event) }
                    if decoder.isFinished { return }
                }
            } catch {
                throw ProviderError.cutOff(error, provider: id)
            }
            for event in try decoder.finish() { emit(event) }
        } else if type.contains("json") || type.isEmpty {
            let answer = try await StreamedBody.json(response, provider: id)
            for event in try decoder.decode(wholeAnswer: answer) { emit(event) }
        } else {
            throw await StreamedBody.unexpected(response, contentType: type, provider: id)
        }
    }

    /// Every error leaves with the provider id and without the secret key or session token in it.
    private func scrubbed(_ error: any Error) -> any Error {
        let normalized = ProviderError.normalize(error, provider: id, secret: nil)
        guard var failure = normalized as? ProviderError else { return normalized }
        failure.message = signer.credentials.redact(failure.message)
        return failure
    }
}
