/// How Gemini names models: resources such as `models/gemini-2.5-pro` or `tunedModels/my-model`, which
/// users and config usually shorten to `gemini-2.5-pro`.
enum GeminiModelName {
    /// The resource path for `model`, as it goes into a URL: `gemini-2.5-pro` and `models/gemini-2.5-pro`
    /// both become `models/gemini-2.5-pro`; each segment is percent-encoded so a stray `?` or space in
    /// a configured name cannot change the URL's query.
    static func resource(_ model: String) -> String {
        let name = model.trimmed
        let full = name.hasPrefix("models/") || name.hasPrefix("tunedModels/") ? name : "models/" + name
        return full.split(separator: "/", omittingEmptySubsequences: false).map { percentEncoded(String($0)) }
            .joined(separator: "/")
    }

    /// The short id used in `provider/model`: `models/gemini-2.5-pro` → `gemini-2.5-pro`.
    static func id(_ name: String) -> String {
        name.hasPrefix("models/") ? String(name.dropFirst("models/".count)) : name
    }

    /// Gemini 3 and later answer 400 when a function call in the history comes back without the thought
    /// signature it was sent with; 1.x and 2.x accept it without.
    static func requiresThoughtSignatures(_ model: String) -> Bool {
        let name = id(model.trimmed).lowercased()
        return name.hasPrefix("gemini-") && !name.hasPrefix("gemini-1") && !name.hasPrefix("gemini-2")
    }

    /// RFC 3986 percent-encoding of everything but the unreserved characters, for path segments and
    /// query values (page tokens are base64 and may hold `+`, `/` and `=`).
    static func percentEncoded(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".unicodeScalars)
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 0x0F)])
            }
        }
        return out
    }
}
