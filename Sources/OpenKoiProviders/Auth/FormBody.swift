import FoundationEssentials

/// An `application/x-www-form-urlencoded` request body, the encoding OAuth token endpoints require
/// (RFC 6749 §4.1.3; GitHub's device flow takes it too).
enum FormBody {
    static let contentType = "application/x-www-form-urlencoded"

    /// Encodes `fields` in the order given; every byte outside RFC 3986's unreserved set is percent-encoded,
    /// so values such as `urn:ietf:params:…` or a scope list with spaces arrive intact.
    static func encode(_ fields: [(name: String, value: String)]) -> Data {
        Data(fields.map { "\(escape($0.name))=\(escape($0.value))" }.joined(separator: "&").utf8)
    }

    private static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if isUnreserved(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + hexDigits[Int(byte >> 4)] + hexDigits[Int(byte & 0x0F)]
            }
        }
        return out
    }

    private static let hexDigits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D", "E", "F"]

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}
