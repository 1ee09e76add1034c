/// Why signing in to ChatGPT (or keeping the sign-in fresh) failed, with a message that says what to do.
public struct OpenAILoginError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong; new kinds may be added.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        /// The one-time code expired before it was entered (the server said so, or the deadline passed).
        public static let codeExpired = Kind(name: "codeExpired")
        /// The user declined the sign-in on the web page.
        public static let denied = Kind(name: "denied")
        /// The refresh token was rejected: only a new sign-in helps.
        public static let reauthenticationRequired = Kind(name: "reauthenticationRequired")
        /// Any other answer the flow cannot go on from.
        public static let failed = Kind(name: "failed")

        public var description: String { name }
    }

    public let kind: Kind
    public let message: String
    /// The HTTP status of the answer that failed, when there was one.
    public let status: Int?

    init(_ kind: Kind, _ message: String, status: Int? = nil) {
        self.kind = kind
        self.message = message
        self.status = status
    }

    public var description: String { message }

    static let connectHint = "run `openkoi connect chatgpt` again"

    static func codeExpired(_ detail: String) -> OpenAILoginError {
        OpenAILoginError(.codeExpired, "The ChatGPT sign-in code expired (\(detail)); \(connectHint) for a new code.")
    }
}
