import FoundationEssentials
import OpenKoiProviders

/// Signs deliveries the Standard Webhooks way: `webhook-signature: v1,<base64 HMAC-SHA256 of
/// "id.timestamp.body">` under the secret's key (`whsec_` + base64).
public struct WebhookSigner: Sendable {
    let key: [UInt8]

    /// - Throws: a message naming `[api.webhooks] secret` when it is not `whsec_` + base64.
    public init(secret: String) throws(WebhookSecretError) {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        guard let key = Data(base64Encoded: encoded), !key.isEmpty else { throw WebhookSecretError() }
        self.key = Array(key)
    }

    public func signature(id: String, timestamp: Int64, body: String) -> String {
        let signed = Array("\(id).\(timestamp).".utf8) + Array(body.utf8)
        return "v1," + Data(HMACSHA256.authenticationCode(for: signed, key: key)).base64EncodedString()
    }
}

public struct WebhookSecretError: Error, CustomStringConvertible {
    public init() {}

    public var description: String {
        "[api.webhooks] secret must be whsec_ followed by base64 (Standard Webhooks), "
            + "e.g. whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    }
}
