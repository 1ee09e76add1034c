import OpenKoiCore

/// RFC 3986 percent-encoding: the unreserved characters (`A–Z a–z 0–9 - . _ ~`) stay, every other
/// byte of the UTF-8 becomes `%XX` (uppercase). The one encoder for form bodies, URL path segments
/// and query values, and SigV4's canonical strings (which require exactly this form).
func percentEncoded(_ text: some StringProtocol) -> String {
    var encoded = ""
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            encoded.unicodeScalars.append(Unicode.Scalar(byte))
        default:
            encoded += "%" + NumberText.hex(byte, digits: 2)
        }
    }
    return encoded
}
