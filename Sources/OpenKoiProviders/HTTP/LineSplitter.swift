import OpenKoiCore

/// Cuts a byte stream into lines ended by LF, CRLF or a lone CR, whatever the chunk boundaries.
///
/// Lines are decoded as UTF-8 only once complete, so a character split across two chunks comes out
/// whole; invalid bytes become U+FFFD rather than failing the stream.
struct LineSplitter: Sendable {
    private var pending: [UInt8] = []
    /// The previous chunk ended in CR: an LF opening the next one belongs to that line break.
    private var afterCR = false

    /// Feeds the next chunk and returns the lines it completes, without their line breaks.
    mutating func feed(_ chunk: Data) -> [String] {
        var lines: [String] = []
        chunk.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var start = 0
            for index in bytes.indices {
                let byte = bytes[index]
                if afterCR {
                    afterCR = false
                    if byte == lf {
                        start = index + 1
                        continue
                    }
                }
                guard byte == lf || byte == cr else { continue }
                let piece = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
                if pending.isEmpty {
                    lines.append(String(decoding: piece, as: UTF8.self))
                } else {
                    pending.append(contentsOf: piece)
                    lines.append(String(decoding: pending, as: UTF8.self))
                    pending.removeAll(keepingCapacity: true)
                }
                afterCR = byte == cr
                start = index + 1
            }
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start...]))
        }
        return lines
    }

    /// Ends the stream: returns the last line if it had no line break, and resets.
    mutating func finish() -> String? {
        defer {
            pending = []
            afterCR = false
        }
        return pending.isEmpty ? nil : String(decoding: pending, as: UTF8.self)
    }
}

private let lf = UInt8(ascii: "\n")
private let cr = UInt8(ascii: "\r")
