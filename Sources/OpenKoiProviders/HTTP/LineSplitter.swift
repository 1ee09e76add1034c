import FoundationEssentials
import OpenKoiCore

/// Cuts a byte stream into lines ended by LF, CRLF or a lone CR, whatever the chunk boundaries.
///
/// Lines are decoded as UTF-8 only once complete, so a character split across two chunks comes out
/// whole; invalid bytes become U+FFFD rather than failing the stream.
///
/// A line longer than `maxLineBytes` is not kept: `overflowed` is set and the caller fails the stream,
/// so a hostile or broken server cannot grow memory with one endless line.
struct LineSplitter: Sendable {
    /// The longest line kept (documented in the README's limits).
    static let maxLineBytes = 8 << 20

    private var pending: [UInt8] = []
    private(set) var overflowed = false
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
                if pending.count + piece.count > Self.maxLineBytes {
                    overflowed = true
                    pending.removeAll()
                    afterCR = byte == cr
                    start = index + 1
                    continue
                }
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
            let rest = UnsafeRawBufferPointer(rebasing: bytes[start...])
            if pending.count + rest.count > Self.maxLineBytes {
                overflowed = true
                pending.removeAll()
            } else {
                pending.append(contentsOf: rest)
            }
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
