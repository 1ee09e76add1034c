import FoundationEssentials
import OpenKoiCore

extension ProviderError {
    /// Classifies a Bedrock HTTP error: the type comes from the `x-amzn-errortype` header (or the body's
    /// `__type`), the text from the body's `message`.
    static func fromBedrockHTTP(
        status: Int, headers: [String: String], body: Data, provider: String
    ) -> ProviderError {
        let json = JSONValue.parse(body)
        let header = headers["x-amzn-errortype"].map { String($0.prefix { $0 != ":" }) }
        let bodyType = json?["__type"]?.stringValue.map { String($0.split(separator: "#").last ?? "") }
        let message =
            json?.first("message", "Message")?.stringValue ?? String(decoding: body.prefix(2000), as: UTF8.self).trimmed
        return bedrock(
            type: header ?? bodyType, message: message, status: status, retryAfter: RetryAfter.seconds(from: headers),
            provider: provider, context: "HTTP \(status)")
    }

    /// Classifies an `exception` frame received after the 200 head, by its `:exception-type`.
    static func fromBedrockException(type: String?, payload: Data, provider: String) -> ProviderError {
        let json = JSONValue.parse(payload)
        let message =
            json?.first("message", "Message")?.stringValue ?? String(decoding: payload.prefix(2000), as: UTF8.self)
        // The status each exception carries in Bedrock's API reference, so retry treats both paths alike.
        let status: Int
        switch type?.lowercased() {
        case "throttlingexception": status = 429
        case "validationexception": status = 400
        case "serviceunavailableexception": status = 503
        case "modelstreamerrorexception": status = 424
        default: status = 500
        }
        return bedrock(
            type: type, message: message, status: status, retryAfter: nil, provider: provider,
            context: "stream exception")
    }

    private static let authenticationTypes: Set<String> = [
        "accessdeniedexception", "unrecognizedclientexception", "expiredtokenexception", "invalidsignatureexception",
        "incompletesignatureexception", "missingauthenticationtokenexception", "invalidclienttokenid",
        "signaturedoesnotmatch",
    ]

    private static func bedrock(
        type: String?, message: String, status: Int, retryAfter: Double?, provider: String, context: String
    ) -> ProviderError {
        let lowerType = type?.lowercased() ?? ""
        var text = "\(context)\(type.map { " \($0)" } ?? ""): \(message.isEmpty ? "no error message" : message)"
        let kind: Kind
        switch lowerType {
        case "throttlingexception", "modelnotreadyexception":
            kind = .rateLimited(retryAfter: retryAfter)
        case "validationexception" where isOverflow(message):
            kind = .contextOverflow
        case "serviceunavailableexception", "internalserverexception", "modelstreamerrorexception":
            // Bedrock documents all three as "retry your request"; a 5xx status makes them retriable.
            kind = .http(status: status >= 500 ? status : 503)
        case "modeltimeoutexception":
            kind = .http(status: 408)
        case _ where authenticationTypes.contains(lowerType) || status == 401 || status == 403:
            kind = .authentication
            text +=
                " (check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, and that the identity may "
                + "invoke this model in this region)"
        case "validationexception" where message.lowercased().contains("inference profile"):
            // Newer models cannot be called by their bare id; the profile id adds a geography prefix.
            kind = .http(status: status)
            text += " (use the model's inference profile id, e.g. us.<model id>, as the model)"
        case _ where status == 429:
            kind = .rateLimited(retryAfter: retryAfter)
        case _ where isOverflow(message):
            kind = .contextOverflow
        default:
            kind = .http(status: status)
        }
        return ProviderError(kind, provider: provider, message: text)
    }

    /// Bedrock says "Input is too long for requested model." or passes the model's own overflow text on.
    private static func isOverflow(_ message: String) -> Bool {
        let lower = message.lowercased()
        let mentionsContext =
            lower.contains("context") && ["length", "window", "limit", "exceed"].contains { lower.contains($0) }
        return lower.contains("too long") || mentionsContext || ContextOverflowDetector.isOverflow(message)
    }
}
