import OpenKoiCore

/// The canonical forms SigV4 signs (AWS General Reference, "Create a canonical request").
extension AWSSigner {
    /// The canonical URI of a path as sent: optionally normalised, then each segment URI-encoded again
    /// (so `%3A` becomes `%253A`), which is what every AWS service except S3 computes.
    static func canonicalURI(_ path: String, normalize: Bool) -> String {
        let raw = path.isEmpty ? "/" : path
        let segments = (normalize ? normalized(raw) : raw).split(separator: "/", omittingEmptySubsequences: false)
        return segments.map { uriEncode(Substring($0)) }.joined(separator: "/")
    }

    /// Removes `.` and `..` segments and collapses repeated slashes; a trailing slash is kept.
    static func normalized(_ path: String) -> String {
        var kept: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": _ = kept.popLast()
            default: kept.append(segment)
            }
        }
        let joined = "/" + kept.joined(separator: "/")
        return joined != "/" && path.hasSuffix("/") ? joined + "/" : joined
    }

    /// Parameters decoded, re-encoded strictly, and sorted by name then value; a bare name gets `=`.
    static func canonicalQuery(_ query: String) -> String {
        let pairs = query.split(separator: "&", omittingEmptySubsequences: true).map { parameter in
            let parts = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = uriEncode(percentDecoded(parts[0]))
            let value = parts.count > 1 ? uriEncode(percentDecoded(parts[1])) : ""
            return (name, value)
        }
        return pairs.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }.map { "\($0)=\($1)" }.joined(separator: "&")
    }

    /// Lowercased names, values trimmed with inner runs of spaces collapsed, repeated names joined by
    /// commas in the order sent, sorted by name.
    static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> [(name: String, value: String)] {
        var values: [String: [String]] = [:]
        for (name, value) in headers {
            let collapsed = value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
            values[name.lowercased(), default: []].append(collapsed)
        }
        return values.keys.sorted().map { ($0, values[$0, default: []].joined(separator: ",")) }
    }

    /// SigV4's URI encoding is RFC 3986's, byte for byte.
    static func uriEncode(_ text: some StringProtocol) -> String { percentEncoded(text) }

    /// The path segment form for URLs we build: a Bedrock model id `a:b` or an ARN's `/` is escaped.
    public static func pathSegment(_ text: String) -> String {
        uriEncode(text)
    }

    /// `%XX` sequences turned back into bytes; a `%` not followed by two hex digits stays as it is.
    static func percentDecoded(_ text: Substring) -> String {
        let bytes = Array(text.utf8)
        var decoded: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = hexDigit(bytes[index + 1]), let low = hexDigit(bytes[index + 2])
            {
                decoded.append(high << 4 | low)
                index += 3
            } else {
                decoded.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: decoded, as: UTF8.self)
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// The host and request target of an absolute URL, split without Foundation's `URL` (which would
/// re-encode the path and so change what is signed).
struct RequestTarget {
    /// `host` or `host:port`, the value of the `Host` header.
    var host: String
    /// Path and query, as on the request line.
    var target: String

    init(url: String) {
        var rest = Substring(url)
        if let scheme = rest.firstRange(of: "://") { rest = rest[scheme.upperBound...] }
        if let fragment = rest.firstIndex(of: "#") { rest = rest[..<fragment] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        host = String(authority)
        let tail = rest[authorityEnd...]
        target = tail.hasPrefix("/") ? String(tail) : "/" + tail
    }

    /// Splits a request target at the first `?`.
    static func split(_ target: String) -> (path: String, query: String) {
        guard let mark = target.firstIndex(of: "?") else { return (target, "") }
        return (String(target[..<mark]), String(target[target.index(after: mark)...]))
    }
}
