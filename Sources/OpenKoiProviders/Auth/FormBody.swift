import FoundationEssentials
import OpenKoiCore

/// An `application/x-www-form-urlencoded` body, as OAuth token endpoints take it (RFC 6749 §4.1.3).
enum FormBody {
    static let contentType = "application/x-www-form-urlencoded"

    /// Encodes `fields` in order; everything but the unreserved characters is percent-encoded.
    static func encode(_ fields: [(name: String, value: String)]) -> Data {
        Data(fields.map { percentEncoded($0.name) + "=" + percentEncoded($0.value) }.joined(separator: "&").utf8)
    }
}
