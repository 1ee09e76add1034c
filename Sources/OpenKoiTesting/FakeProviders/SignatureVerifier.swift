import OpenKoiCore
import OpenKoiProviders

/// Checks a received request's SigV4 `Authorization` the way AWS does: parse it, rebuild the canonical
/// request from what arrived, and compare signatures.
struct SignatureVerifier: Sendable {
    let accessKeyID: String
    let secretAccessKey: String
    let sessionToken: String?
    let region: String
    let service = "bedrock"

    /// Why `request` would be refused, or `nil` when its signature is valid.
    func problem(with request: RecordedRequest) -> String? {
        guard let authorization = request.header("authorization") else { return "no Authorization header" }
        let prefix = "AWS4-HMAC-SHA256 "
        guard authorization.hasPrefix(prefix) else { return "Authorization is not AWS4-HMAC-SHA256" }
        var fields: [String: String] = [:]
        for field in authorization.dropFirst(prefix.count).split(separator: ",") {
            let parts = field.trimmed.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        guard let credential = fields["Credential"], let signedList = fields["SignedHeaders"],
            let signature = fields["Signature"]
        else { return "Authorization lacks Credential, SignedHeaders or Signature" }
        guard let amzDate = request.header("x-amz-date") else { return "no x-amz-date header" }
        let expectedScope = "\(accessKeyID)/\(amzDate.prefix(8))/\(region)/\(service)/aws4_request"
        guard credential == expectedScope else { return "credential \(credential), expected \(expectedScope)" }

        let signedNames = signedList.split(separator: ";").map(String.init)
        for required in ["host", "x-amz-date"] where !signedNames.contains(required) {
            return "\(required) is not signed"
        }
        if let sessionToken {
            guard request.header("x-amz-security-token") == sessionToken else {
                return "x-amz-security-token is missing or wrong"
            }
            guard signedNames.contains("x-amz-security-token") else { return "x-amz-security-token is not signed" }
        }
        var signedHeaders: [(name: String, value: String)] = []
        for name in signedNames {
            let values = request.headers.filter { $0.name.lowercased() == name }
            guard !values.isEmpty else { return "signed header \(name) was not sent" }
            signedHeaders += values
        }
        guard
            let credentials = AWSCredentials(
                accessKeyID: accessKeyID, secretAccessKey: secretAccessKey, sessionToken: sessionToken)
        else { return "the fake's credentials are blank" }
        let expected = AWSSigner(credentials: credentials, region: region, service: service).signature(
            method: request.method, target: request.path, headers: signedHeaders,
            payloadHash: SHA256.hexHash(request.body), amzDate: amzDate)
        guard expected.signature == signature else {
            return "signature mismatch; the canonical request should have been:\n\(expected.canonicalRequest)"
        }
        return nil
    }
}
