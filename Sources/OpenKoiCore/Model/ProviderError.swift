/// A failure talking to a model API, classified so retry, overflow handling and exit codes can act on it.
public struct ProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// 429 or an equivalent; `retryAfter` in seconds when the server said.
        case rateLimited(retryAfter: Double?)
        /// The prompt does not fit the model's context window.
        case contextOverflow
        /// Non-2xx HTTP status other than the above.
        case http(status: Int)
        /// Connect failure, reset, DNS, TLS.
        case transport
        /// Nothing listens on a port of this machine: a local server that is not running. Retrying
        /// would only delay the advice to start it.
        case connectionRefused
        /// The transfer exceeded its timeout.
        case timeout
        /// The response could not be understood (bad JSON, truncated stream).
        case malformedResponse
        /// Missing or rejected credentials.
        case authentication
        /// Nothing is configured that could answer.
        case notConfigured
    }

    public var kind: Kind
    public var provider: String
    public var message: String

    public init(_ kind: Kind, provider: String, message: String) {
        self.kind = kind
        self.provider = provider
        self.message = message
    }

    /// Worth another attempt after a backoff.
    public var isRetriable: Bool {
        switch kind {
        case .rateLimited, .transport, .timeout: return true
        case .http(let status): return status >= 500 || status == 408 || status == 409
        case .contextOverflow, .malformedResponse, .authentication, .notConfigured, .connectionRefused: return false
        }
    }

    public var description: String { provider.isEmpty ? message : "\(provider): \(message)" }
}

/// Recognises context-overflow errors from the text each wire format sends (reference §2.10).
public enum ContextOverflowDetector {
    static let phrases = [
        "prompt is too long", "tokens too long", "maximum context length", "context_length_exceeded",
        "exceeds the maximum number of tokens", "input is too long", "expected maxtokens",
        "please reduce the length", "too many tokens", "token limit", "context window",
        "content_length_limit", "request too large", "exceeds the context", "context size", "exceed_context_size",
    ]

    public static func isOverflow(_ message: String) -> Bool {
        let lower = message.lowercased()
        return phrases.contains { lower.contains($0) }
    }
}
