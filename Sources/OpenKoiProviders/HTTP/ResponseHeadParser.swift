/// Builds a response head from the header lines libcurl reports, one at a time.
///
/// curl reports every header block it receives: interim `100 Continue`/`103 Early Hints` blocks come
/// before the final one, and trailers after the body. Only the first final (non-1xx) block is the head.
struct ResponseHeadParser: Sendable {
    private(set) var status = 0
    private var headers: [String: String] = [:]
    private var lastName: String?

    /// What has arrived so far, for a transfer that ends before its header block does.
    var partialHead: HTTPResponseHead { HTTPResponseHead(status: status, headers: headers) }

    /// Takes one header line (with or without its CRLF); returns the head when `line` ends a final block.
    mutating func consume(_ line: String) -> HTTPResponseHead? {
        var line = Substring(line)
        // "\r\n" is one Character, and `isNewline` covers it as well as a bare "\n".
        while let last = line.last, last.isNewline { line.removeLast() }

        if line.isEmpty {
            guard status >= 200 || status == 0 else {
                // An interim block ended; the real status line is still to come.
                status = 0
                headers = [:]
                return nil
            }
            return status == 0 ? nil : HTTPResponseHead(status: status, headers: headers)
        }
        if line.hasPrefix("HTTP/") {
            let fields = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            status = fields.count > 1 ? Int(fields[1]) ?? 0 : 0
            headers = [:]
            lastName = nil
            return nil
        }
        if let first = line.first, first == " " || first == "\t" {
            // Obsolete line folding: the line continues the previous header's value.
            if let lastName, let value = headers[lastName] {
                headers[lastName] = value + " " + line.trimmingSpaces()
            }
            return nil
        }
        guard let colon = line.firstIndex(of: ":") else { return nil }
        let name = line[..<colon].trimmingSpaces().lowercased()
        headers[name] = line[line.index(after: colon)...].trimmingSpaces()
        lastName = name
        return nil
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[start...end])
    }
}
