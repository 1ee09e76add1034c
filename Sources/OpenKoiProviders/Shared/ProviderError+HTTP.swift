import FoundationEssentials
import OpenKoiCore

/// What an API said went wrong, pulled out of whichever error shape it uses.
struct APIErrorDetail: Sendable, Hashable {
    var message: String
    /// `type` (OpenAI, Anthropic, llama.cpp), e.g. `overloaded_error`, `exceed_context_size_error`.
    var type: String?
    /// `code` (OpenAI), e.g. `context_length_exceeded`, `insufficient_quota`.
    var code: String?
    /// `status` (Google APIs: the google.rpc code name), e.g. `RESOURCE_EXHAUSTED`, `INVALID_ARGUMENT`.
    var status: String?
    /// The `reason` of a google.rpc.ErrorInfo in `details`, e.g. `API_KEY_INVALID`.
    var reason: String?
    /// Seconds from a google.rpc.RetryInfo in `details` (`"retryDelay": "17s"`): Gemini's wait hint,
    /// sent in the body rather than as `Retry-After`.
    var retryDelay: Double?

    /// Reads `{"error":{"message","type","code"}}` (OpenAI, llama.cpp), `{"type":"error","error":{…}}`
    /// (Anthropic), `{"error":{"code","message","status","details"}}` (Google) and `{"error":"…"}` (Ollama);
    /// any other body is kept as text so the user sees it.
    init(body: Data) {
        let json = JSONValue.parse(body)
        self.init(json: json, fallbackText: String(decoding: body.prefix(2000), as: UTF8.self))
    }

    init(json: JSONValue?, fallbackText: String = "") {
        let error = json?["error"]
        if let text = error?.stringValue {
            message = text
        } else if let text = error?["message"]?.stringValue {
            message = text
        } else if let text = json?["message"]?.stringValue {
            message = text
        } else {
            message = fallbackText.trimmed
        }
        type = error?["type"]?.stringValue
        // llama.cpp sends the HTTP status as a numeric `code`; only string codes carry meaning.
        code = error?["code"]?.stringValue
        status = error?["status"]?.stringValue
        let details = error?["details"]?.arrayValue ?? []
        reason = details.lazy.compactMap { $0["reason"]?.stringValue }.first
        retryDelay = details.lazy.compactMap { $0["retryDelay"]?.stringValue.flatMap(Self.durationSeconds) }.first
    }

    /// A protobuf `Duration` in JSON form, `"17s"` or `"0.250s"`.
    static func durationSeconds(_ text: String) -> Double? {
        guard text.hasSuffix("s"), let seconds = Double(text.dropLast()), seconds.isFinite, seconds >= 0 else {
            return nil
        }
        return seconds
    }

    /// A quota that waiting does not refill: OpenAI's `insufficient_quota`, or a Google quota whose
    /// limit is 0 (a model the key's tier may not use at all).
    var isExhaustedQuota: Bool {
        code == "insufficient_quota" || (status == "RESOURCE_EXHAUSTED" && message.contains("limit: 0"))
    }

    /// Google answers a bad API key with 400 `INVALID_ARGUMENT`; only the ErrorInfo reason says it is the key.
    var isRejectedCredential: Bool {
        reason == "API_KEY_INVALID" || status == "UNAUTHENTICATED"
    }

    /// A context overflow in any of the shapes providers use (reference §2.10).
    var isContextOverflow: Bool {
        // Anthropic's 413 `request_too_large` has the same remedy as an overflow: send less context.
        code == "context_length_exceeded" || type == "exceed_context_size_error" || type == "request_too_large"
            || ContextOverflowDetector.isOverflow(message)
    }
}

extension ProviderError {
    /// Classifies a non-2xx answer.
    /// - Parameters:
    ///   - status: the HTTP status.
    ///   - headers: response headers (for `Retry-After`).
    ///   - body: the error body as received.
    ///   - provider: provider id for the message.
    ///   - secret: the API key, scrubbed from the message in case a server echoes it.
    static func fromHTTP(
        status: Int, headers: [String: String], body: Data, provider: String, secret: String?
    ) -> ProviderError {
        fromAPIError(
            APIErrorDetail(body: body), status: status, retryAfter: RetryAfter.seconds(from: headers),
            provider: provider, secret: secret)
    }

    static func fromAPIError(
        _ detail: APIErrorDetail, status: Int, retryAfter: Double?, provider: String, secret: String?
    ) -> ProviderError {
        let summary = detail.message.isEmpty ? "no error message" : detail.message
        let label = [detail.type, detail.code, detail.status, detail.reason].compactMap { $0 }.joined(separator: "/")
        let text = redacting(
            "HTTP \(status)\(label.isEmpty ? "" : " \(label)"): \(summary)", secret: secret)
        let kind: Kind
        switch status {
        case 429 where detail.isExhaustedQuota:
            // An exhausted quota does not recover by waiting; a non-retriable status keeps retry away.
            kind = .http(status: 429)
        case 429:
            kind = .rateLimited(retryAfter: retryAfter ?? detail.retryDelay)
        case 401, 403:
            kind = .authentication
        case _ where detail.isRejectedCredential:
            kind = .authentication
        case _ where detail.isContextOverflow:
            kind = .contextOverflow
        default:
            kind = .http(status: status)
        }
        return ProviderError(kind, provider: provider, message: text)
    }

    /// Fills in the provider id a transport left empty and turns foreign errors into `.transport`.
    static func normalize(_ error: any Error, provider: String, secret: String?) -> any Error {
        if error is CancellationError { return error }
        if var known = error as? ProviderError {
            if known.provider.isEmpty { known.provider = provider }
            known.message = redacting(known.message, secret: secret)
            return known
        }
        return ProviderError(.transport, provider: provider, message: redacting("\(error)", secret: secret))
    }

    static func malformed(_ provider: String, _ message: String) -> ProviderError {
        ProviderError(.malformedResponse, provider: provider, message: message)
    }

    /// A connection lost after the 200 head cut the answer short: reported as a truncated response, since
    /// what the caller holds is an incomplete answer, not a failed request.
    static func cutOff(_ error: any Error, provider: String) -> any Error {
        guard let failure = error as? ProviderError, failure.kind == .transport else { return error }
        return malformed(
            provider, "the connection closed before the answer was complete (truncated response: \(failure.message))")
    }
}

/// Keys must never reach errors or logs, even when a server or transport quotes them back.
func redacting(_ text: String, secret: String?) -> String {
    guard let secret, secret.count >= 4 else { return text }
    return text.replacing(secret, with: "[redacted]")
}
