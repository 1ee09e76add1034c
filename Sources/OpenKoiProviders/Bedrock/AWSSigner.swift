import FoundationEssentials
import OpenKoiCore

/// AWS Signature Version 4 for header-signed requests (the `Authorization: AWS4-HMAC-SHA256 …` form).
///
/// Signs what is sent: the canonical URI is built from the path exactly as it goes on the wire, and
/// every path segment is encoded once more, as AWS does for every service except S3. A Bedrock model
/// id `v1:0` therefore travels as `v1%3A0` and is signed as `v1%253A0`.
public struct AWSSigner: Sendable, CustomStringConvertible {
    public let credentials: AWSCredentials
    public let region: String
    /// The signing name, `bedrock` for both the runtime and the control plane.
    public let service: String

    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    public var description: String { "AWSSigner(\(credentials), \(region), \(service))" }

    /// `request` with `Host`, `X-Amz-Date`, `X-Amz-Security-Token` (temporary credentials only),
    /// optionally `X-Amz-Content-Sha256`, and `Authorization` set.
    ///
    /// Signed: `host`, `content-type` and every `x-amz-*` header. `Accept` and `User-Agent` are left
    /// unsigned because proxies rewrite them. `Host` is set explicitly so the value signed is the value
    /// sent (the transport would otherwise derive its own).
    /// - Parameters:
    ///   - request: an absolute `http(s)` URL whose path is already percent-encoded as it will be sent.
    ///   - date: the signing time; AWS rejects signatures more than 5 minutes off its clock.
    ///   - includePayloadHash: also send the body's hash as `X-Amz-Content-Sha256`.
    public func sign(_ request: HTTPRequest, at date: Date, includePayloadHash: Bool = false) -> HTTPRequest {
        let url = RequestTarget(url: request.url)
        let replaced: Set<String> = ["authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"]
        var headers = request.headers.filter { !replaced.contains($0.name.lowercased()) }
        if !headers.contains(where: { $0.name.lowercased() == "host" }) {
            headers.insert(("Host", url.host), at: 0)
        }
        let amzDate = Self.amzDate(date)
        let payloadHash = SHA256.hexHash(request.body ?? Data())
        headers.append(("X-Amz-Date", amzDate))
        if includePayloadHash { headers.append(("X-Amz-Content-Sha256", payloadHash)) }
        if let token = credentials.sessionToken { headers.append(("X-Amz-Security-Token", token.value)) }
        let signed = headers.filter { Self.isSigned($0.name) }
        let signature = signature(
            method: request.method, target: url.target, headers: signed, payloadHash: payloadHash, amzDate: amzDate)
        var result = request
        result.headers = headers + [("Authorization", signature.authorization)]
        return result
    }

    /// The signature over exactly `headers` (all of them are signed).
    /// - Parameters:
    ///   - method: the HTTP method.
    ///   - target: path and query as sent on the request line, e.g. `/model/a%3Ab/converse`.
    ///   - headers: the headers to sign; they must include `host` and `x-amz-date`.
    ///   - payloadHash: hex SHA-256 of the body (or `UNSIGNED-PAYLOAD` where a service allows it).
    ///   - amzDate: `yyyyMMdd'T'HHmmss'Z'`, the value of `x-amz-date`.
    ///   - normalizePath: remove `.`/`..` and empty segments first, as every service but S3 does.
    public func signature(
        method: String, target: String, headers: [(name: String, value: String)], payloadHash: String,
        amzDate: String, normalizePath: Bool = true
    ) -> SigV4Signature {
        let (path, query) = RequestTarget.split(target)
        let canonicalHeaders = Self.canonicalHeaders(headers)
        let signedHeaders = canonicalHeaders.map(\.name).joined(separator: ";")
        let canonicalRequest = [
            method.uppercased(), Self.canonicalURI(path, normalize: normalizePath), Self.canonicalQuery(query),
            canonicalHeaders.map { "\($0.name):\($0.value)\n" }.joined(), signedHeaders, payloadHash,
        ].joined(separator: "\n")
        let day = String(amzDate.prefix(8))
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256", amzDate, scope, SHA256.hexHash(Array(canonicalRequest.utf8)),
        ].joined(separator: "\n")
        let signature = hex(HMACSHA256.authenticationCode(for: Array(stringToSign.utf8), key: signingKey(day: day)))
        return SigV4Signature(
            canonicalRequest: canonicalRequest, stringToSign: stringToSign, signedHeaders: signedHeaders,
            signature: signature,
            authorization:
                "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), "
                + "Signature=\(signature)")
    }

    /// The key for one day, region and service, derived from the secret by the four chained HMACs.
    func signingKey(day: String) -> [UInt8] {
        var key = Array("AWS4\(credentials.secretAccessKey.value)".utf8)
        for part in [day, region, service, "aws4_request"] {
            key = HMACSHA256.authenticationCode(for: Array(part.utf8), key: key)
        }
        return key
    }

    /// `20150830T123600Z` for 2015-08-30 12:36:00 UTC.
    public static func amzDate(_ date: Date) -> String {
        // ISO 8601 with the separators removed is SigV4's basic format; no formatter (and no ICU) needed.
        String(date.ISO8601Format().filter { $0 != "-" && $0 != ":" })
    }

    static func isSigned(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower == "host" || lower == "content-type" || lower.hasPrefix("x-amz-")
    }
}

/// The intermediate texts of one SigV4 signature; tests compare them with AWS's published suite.
public struct SigV4Signature: Sendable, Hashable {
    public var canonicalRequest: String
    public var stringToSign: String
    /// `host;x-amz-date`: the lowercased names, sorted, joined by `;`.
    public var signedHeaders: String
    /// Lowercase hex.
    public var signature: String
    /// The `Authorization` header value.
    public var authorization: String
}
