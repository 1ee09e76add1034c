import FoundationEssentials
import OpenKoiCore

/// An `application/x-www-form-urlencoded` body, as OAuth token endpoints take it (RFC 6749 §4.1.3).
enum FormBody {
    static let contentType = "application/x-www-form-urlencoded"

    /// Encodes `fields` in order; everything but the unreserved characters is percent-encoded.
    static func encode(_ fields: [(name: String, value: String)]) -> Data {
        Data(fields.map { escape($0.name) + "=" + escape($0.value) }.joined(separator: "&").utf8)
    }

    private static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + NumberText.hex(byte, digits: 2)
            }
        }
        return out
    }
}
