import OpenKoiCore

/// What a scripted model answers to one request.
public struct ScriptedReply: Sendable {
    public var text: String
    public var toolCalls: [ToolCall]
    public var usage: TokenUsage
    public var stopReason: StopReason
    /// Token log probabilities, sent only when the request asks for them (as providers do).
    public var logprobs: [Double]

    public init(
        text: String = "", toolCalls: [ToolCall] = [], usage: TokenUsage = TokenUsage(inputTokens: 10, outputTokens: 5),
        stopReason: StopReason? = nil, logprobs: [Double] = []
    ) {
        self.text = text
        self.toolCalls = toolCalls
        self.usage = usage
        self.stopReason = stopReason ?? (toolCalls.isEmpty ? .endTurn : .toolUse)
        self.logprobs = logprobs
    }

    public static func text(_ text: String, usage: TokenUsage = TokenUsage(inputTokens: 10, outputTokens: 5))
        -> ScriptedReply
    {
        ScriptedReply(text: text, usage: usage)
    }

    /// A judge reply in the JSON shape the evaluator asks for.
    public static func verdict(
        _ scores: [String: Double], findings: [(severity: String, title: String)] = [], missingSteps: [String] = []
    ) -> ScriptedReply {
        let scoreJSON: JSONValue = .object(scores.mapValues { .number($0) })
        let findingJSON: JSONValue = .array(
            findings.map {
                ["severity": .string($0.severity), "title": .string($0.title), "description": "", "fix": "do better"]
            })
        let body: JSONValue = [
            "scores": scoreJSON, "findings": findingJSON, "missing_steps": .array(missingSteps.map { .string($0) }),
        ]
        return .text(body.jsonString)
    }
}

/// An in-process `ModelProvider` whose answers come from a closure: pipeline tests and benchmarks
/// use it to script plans, attempts and verdicts without any network.
public final class ScriptedModel: ModelProvider {
    public let id: String
    private let handler: @Sendable (ChatRequest, Int) async throws -> ScriptedReply
    private let log = LockedValue<[ChatRequest]>([])

    /// - Parameter handler: gets each request and its 0-based call number; may sleep (to model latency)
    ///   or throw (`ProviderError`) to model failures. Cancellation must be honoured, as a real transfer would.
    public init(id: String = "scripted", handler: @escaping @Sendable (ChatRequest, Int) async throws -> ScriptedReply)
    {
        self.id = id
        self.handler = handler
    }

    /// Answers with `replies` in order, repeating the last one.
    public convenience init(id: String = "scripted", replies: [ScriptedReply]) {
        self.init(id: id) { _, n in replies.isEmpty ? .text("") : replies[min(n, replies.count - 1)] }
    }

    public var requests: [ChatRequest] { log.value }
    public var callCount: Int { log.value.count }

    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        let index = log.withLock { calls -> Int in
            calls.append(request)
            return calls.count - 1
        }
        let handler = self.handler
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    let reply = try await handler(request, index)
                    try Task.checkCancellation()
                    // Stream text in pieces, as a real server would.
                    var rest = Substring(reply.text)
                    while !rest.isEmpty {
                        let piece = rest.prefix(16)
                        continuation.yield(.textDelta(String(piece)))
                        rest = rest.dropFirst(piece.count)
                    }
                    if request.logprobs, !reply.logprobs.isEmpty { continuation.yield(.logprobs(reply.logprobs)) }
                    for call in reply.toolCalls { continuation.yield(.toolCall(call)) }
                    continuation.yield(.usage(reply.usage))
                    continuation.yield(.stop(reply.stopReason))
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

/// Blocks until cancelled: models a model call that never returns.
public func waitUntilCancelled() async throws -> Never {
    while true {
        try await Task.sleep(for: .seconds(3600))
    }
}
