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

    /// The sizes an overflow message states, when it states them: the prompt's tokens and the
    /// context window. llama.cpp: "request (8361 tokens) exceeds the available context size (4096
    /// tokens)"; OpenAI: "maximum context length is 128000 tokens. However, you requested 130000
    /// tokens (126000 in the messages, 4000 in the completion)".
    public static func limits(in message: String) -> (prompt: Int, context: Int)? {
        let llamaCpp = #/request \((\d+) tokens\) exceeds the available context size \((\d+) tokens\)/#
        if let match = message.firstMatch(of: llamaCpp), let prompt = Int(match.1), let context = Int(match.2) {
            return (prompt, context)
        }
        let openAI = #/maximum context length is (\d+) tokens[^(]*\((\d+) in the messages/#
        if let match = message.firstMatch(of: openAI), let context = Int(match.1), let prompt = Int(match.2) {
            return (prompt, context)
        }
        return nil
    }
}
