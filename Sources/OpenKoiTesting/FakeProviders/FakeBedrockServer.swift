import FoundationEssentials
import OpenKoiCore
import OpenKoiProviders

/// Bedrock's runtime and control plane on 127.0.0.1: `POST /model/{id}/converse-stream` answered with
/// real binary event-stream frames, `POST /model/{id}/converse` with whole JSON answers, and
/// `GET /foundation-models`.
///
/// Like AWS, it recomputes each request's SigV4 signature from what arrived (method, path as sent,
/// the signed headers, the body) with its own copy of the credentials, and answers 403
/// `InvalidSignatureException` when they differ, so a test passes only if what was signed is what was sent.
public final class FakeBedrockServer: Sendable {
    public enum Reply: Sendable {
        /// Text pieces, one `contentBlockDelta` each (or one text block from `/converse`), then the usage.
        case text([String], inputTokens: Int = 10, outputTokens: Int = 5, cacheRead: Int = 0, cacheWrite: Int = 0)
        /// Text, then one `toolUse` block whose input arrives in `inputPieces`.
        case toolUse(text: String, id: String, name: String, inputPieces: [String])
        /// 429 `ThrottlingException`, with a `Retry-After` header if given.
        case throttled(retryAfter: String? = nil)
        /// 400 `ValidationException` "Input is too long for requested model."
        case inputTooLong
        /// 403 `AccessDeniedException`.
        case accessDenied
        /// 503 `ServiceUnavailableException`.
        case serviceUnavailable
        /// A 200 stream that fails with an exception frame after `messageStart`.
        case exceptionMidStream(type: String, message: String)
        /// A 200 stream whose second frame has its message CRC off by one.
        case corruptCRC
        /// Text frames, then the connection closes in the middle of the next frame.
        case truncated([String])
        case raw(ScriptedResponse)
    }

    public static let accessKeyID = "AKIDEXAMPLE"
    public static let secretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

    public let http: LoopbackHTTPServer
    private let queue: LockedValue<[Reply]>
    private let rejections: LockedValue<[String]>

    /// - Parameters:
    ///   - replies: answers to chat requests (either endpoint), one per request, in order.
    ///   - models: the `foundation-models` body.
    ///   - sessionToken: the token requests must carry, signed, as `x-amz-security-token`.
    ///   - region: the region signatures must be scoped to.
    ///   - chunkBytes: cut the event stream into pieces of this many bytes, so frames straddle chunks.
    public init(
        _ replies: [Reply], models: String = BedrockFixtures.foundationModels([]), sessionToken: String? = nil,
        region: String = "us-east-1", chunkBytes: Int? = nil
    ) throws {
        let queue = LockedValue(replies)
        let rejections = LockedValue<[String]>([])
        self.queue = queue
        self.rejections = rejections
        let verifier = SignatureVerifier(
            accessKeyID: Self.accessKeyID, secretAccessKey: Self.secretAccessKey, sessionToken: sessionToken,
            region: region)
        http = try LoopbackHTTPServer { request in
            if let problem = verifier.problem(with: request) {
                rejections.withLock { $0.append(problem) }
                return .json(
                    status: 403, headers: [BedrockFixtures.errorType("InvalidSignatureException")],
                    BedrockFixtures.invalidSignature)
            }
            let path = String(request.path.prefix { $0 != "?" })
            if request.method == "GET", path == "/foundation-models" { return .json(models) }
            let streamed = path.hasSuffix("/converse-stream")
            guard request.method == "POST", path.hasPrefix("/model/"), streamed || path.hasSuffix("/converse") else {
                return .json(
                    status: 404, headers: [BedrockFixtures.errorType("UnknownOperationException")],
                    BedrockFixtures.error("no such operation: \(request.method) \(path)"))
            }
            guard let reply = queue.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else {
                return .json(
                    status: 500, headers: [BedrockFixtures.errorType("InternalServerException")],
                    BedrockFixtures.error("no scripted reply left"))
            }
            return Self.response(reply, streamed: streamed, chunkBytes: chunkBytes)
        }
    }

    /// `http://127.0.0.1:<port>`, for both the runtime and the control-plane base URL.
    public var baseURL: String { http.baseURL }

    /// Every request received so far, in arrival order.
    public var requests: [RecordedRequest] {
        get async { await http.requests }
    }

    /// Why each request answered with `InvalidSignatureException` was refused, in order.
    public var signatureRejections: [String] { rejections.value }

    public func enqueue(_ replies: [Reply]) { queue.withLock { $0 += replies } }
    public func shutdown() { http.shutdown() }

    public static let eventStreamHeaders: [(name: String, value: String)] = [
        ("Content-Type", "application/vnd.amazon.eventstream"), ("x-amzn-RequestId", "4a6c5e1b-0000-fake"),
    ]

    static func response(_ reply: Reply, streamed: Bool, chunkBytes: Int?) -> ScriptedResponse {
        func stream(_ frames: [[UInt8]], then end: [ScriptedResponse.Part] = []) -> ScriptedResponse {
            let bytes = frames.flatMap { $0 }
            let size = chunkBytes ?? 0
            let parts: [ScriptedResponse.Part] =
                size > 0
                ? stride(from: 0, to: bytes.count, by: size).map {
                    .chunk(Data(bytes[$0..<min($0 + size, bytes.count)]))
                }
                : frames.map { .chunk(Data($0)) }
            return .streamed(headers: eventStreamHeaders, parts: parts + end)
        }
        switch reply {
        case .text(let pieces, let input, let output, let cacheRead, let cacheWrite):
            guard streamed else {
                return .json(
                    BedrockFixtures.converse(
                        content: [["text": .string(pieces.joined())]], stopReason: "end_turn", input: input,
                        output: output))
            }
            return stream(
                BedrockFixtures.textStream(
                    pieces, input: input, output: output, cacheRead: cacheRead, cacheWrite: cacheWrite))
        case .toolUse(let text, let id, let name, let pieces):
            guard streamed else {
                let input = JSONValue.parse(pieces.joined()) ?? [:]
                return .json(
                    BedrockFixtures.converse(
                        content: [
                            ["text": .string(text)],
                            ["toolUse": ["toolUseId": .string(id), "name": .string(name), "input": input]],
                        ], stopReason: "tool_use", input: 20, output: 8))
            }
            return stream(BedrockFixtures.toolUseStream(text: text, id: id, name: name, inputPieces: pieces))
        case .throttled(let retryAfter):
            return .json(
                status: 429,
                headers: [BedrockFixtures.errorType("ThrottlingException")]
                    + (retryAfter.map { [("Retry-After", $0)] } ?? []),
                BedrockFixtures.throttled)
        case .inputTooLong:
            return .json(
                status: 400, headers: [BedrockFixtures.errorType("ValidationException")], BedrockFixtures.inputTooLong)
        case .accessDenied:
            return .json(
                status: 403, headers: [BedrockFixtures.errorType("AccessDeniedException")], BedrockFixtures.accessDenied
            )
        case .serviceUnavailable:
            return .json(
                status: 503, headers: [BedrockFixtures.errorType("ServiceUnavailableException")],
                BedrockFixtures.error("Bedrock is unable to process your request."))
        case .exceptionMidStream(let type, let message):
            return stream([BedrockFixtures.messageStart, BedrockFixtures.exception(type, message: message)])
        case .corruptCRC:
            var broken = BedrockFixtures.textDelta("Par")
            broken[broken.count - 1] ^= 0x01
            return stream([BedrockFixtures.messageStart, broken, BedrockFixtures.textDelta("is")])
        case .truncated(let pieces):
            let frames = [BedrockFixtures.messageStart] + pieces.map { BedrockFixtures.textDelta($0) }
            let partial = Array(BedrockFixtures.messageStop("end_turn").prefix(20))
            return stream(frames + [partial], then: [.closeAbruptly])
        case .raw(let response):
            return response
        }
    }
}
