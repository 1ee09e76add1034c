/// Bytes read from a child's pipe, capped in memory by keeping the most recent ones.
///
/// The tail is kept because that is where compilers and test runners print the summary and the
/// errors; a chatty command must not grow the agent's memory without bound.
struct CapturedOutput: Sendable {
    let limit: Int
    private(set) var bytes: [UInt8] = []
    /// Bytes dropped from the front to stay under `limit`.
    private(set) var droppedBytes = 0

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    mutating func append(_ chunk: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: chunk)
        // Trim only when twice over the limit so a long stream costs amortised O(1) per byte.
        if bytes.count > limit * 2 { trim() }
    }

    mutating func trim() {
        guard bytes.count > limit else { return }
        let excess = bytes.count - limit
        bytes.removeFirst(excess)
        droppedBytes += excess
    }

    /// The text (call `trim()` first), starting at a whole UTF-8 character when the front was dropped.
    var text: String {
        var start = 0
        if droppedBytes > 0 {
            // A cut may land inside a multi-byte character; skip its continuation bytes (10xxxxxx).
            while start < bytes.count, bytes[start] & 0xC0 == 0x80 { start += 1 }
        }
        return String(decoding: bytes[start...], as: UTF8.self)
    }
}
