/// An AWS access key pair, optionally with the session token of temporary (STS) credentials.
///
/// The secret and the token never print: `description` and `dump` show only the key id's last four
/// characters, so a provider logged or interpolated into an error cannot leak them.
public struct AWSCredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public let accessKeyID: String
    let secretAccessKey: APIKey
    let sessionToken: APIKey?

    /// `nil` when the key id or the secret is blank; a blank session token counts as none.
    public init?(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        guard !accessKeyID.trimmed.isEmpty, let secret = APIKey(secretAccessKey) else { return nil }
        self.accessKeyID = accessKeyID.trimmed
        self.secretAccessKey = secret
        self.sessionToken = APIKey(sessionToken)
    }

    public var hasSessionToken: Bool { sessionToken != nil }

    public var description: String {
        "AWSCredentials(…\(accessKeyID.suffix(4)), secret [redacted]\(hasSessionToken ? ", session token [redacted]" : ""))"
    }

    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: []) }

    /// Scrubs the secret and the session token from text a server or transport produced.
    func redact(_ text: String) -> String {
        redacting(redacting(text, secret: secretAccessKey.value), secret: sessionToken?.value)
    }

    /// Reads the variables the AWS SDKs read: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, the optional
    /// `AWS_SESSION_TOKEN`, and the region from `AWS_REGION`, else `AWS_DEFAULT_REGION`, else `us-east-1`.
    /// - Returns: `nil` unless both key variables are set and non-blank.
    public static func fromEnvironment(_ env: [String: String]) -> (credentials: AWSCredentials, region: String)? {
        guard let id = env["AWS_ACCESS_KEY_ID"], let secret = env["AWS_SECRET_ACCESS_KEY"],
            let credentials = AWSCredentials(
                accessKeyID: id, secretAccessKey: secret, sessionToken: env["AWS_SESSION_TOKEN"])
        else { return nil }
        let region = [env["AWS_REGION"], env["AWS_DEFAULT_REGION"]].compactMap { $0?.trimmed }.first { !$0.isEmpty }
        return (credentials, region ?? "us-east-1")
    }
}
