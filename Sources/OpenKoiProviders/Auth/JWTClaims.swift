import FoundationEssentials
import OpenKoiCore

/// Reads the claims of a JSON Web Token without verifying it: the token came straight from the
/// issuer over TLS, and only identifiers the server checks anyway are read from it.
enum JWTClaims {
    /// The payload (second segment, base64url without padding) as JSON; `nil` for anything that is not a JWT.
    static func payload(_ token: String) -> JSONValue? {
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3 else { return nil }
        var base64 = segments[1].replacing("-", with: "+").replacing("_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: String(base64)), let json = JSONValue.parse(data),
            json.objectValue != nil
        else { return nil }
        return json
    }
}
