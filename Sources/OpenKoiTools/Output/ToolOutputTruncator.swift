import Glibc
import OpenKoiCore

/// Keeps tool output within what a model round can afford, without losing it.
///
/// Text over `maxLines` lines or `maxBytes` bytes is saved in full to
/// `<directory>/<FNV-1a-64 hex>.txt` (reference §2.9, same names so old tooling finds the files) and
/// replaced by its head plus a marker naming that file. Unlike the reference, the byte cut never
/// splits a UTF-8 character.
public struct ToolOutputTruncator: Sendable {
    public static let defaultMaxLines = 2000
    public static let defaultMaxBytes = 51200

    public let directory: String
    public let maxLines: Int
    public let maxBytes: Int

    public init(directory: String, maxLines: Int = defaultMaxLines, maxBytes: Int = defaultMaxBytes) {
        self.directory = directory
        self.maxLines = max(1, maxLines)
        self.maxBytes = max(4, maxBytes)
    }

    /// `text` unchanged when within the limits; otherwise the head, the marker, and a saved copy on disk.
    public func truncate(_ text: String) -> String {
        let bytes = text.utf8
        let lines = Self.lineCount(bytes)
        guard lines > maxLines || bytes.count > maxBytes else { return text }

        var saved: String
        do {
            saved = try save(text)
        } catch {
            saved = "disk (saving failed: \(error.message))"
        }
        let head = Self.head(of: text, maxLines: maxLines, maxBytes: maxBytes)
        return head + "\n\n[Output truncated: \(bytes.count) bytes, \(lines) lines. Full output saved to \(saved)]"
    }

    /// The first `maxLines` lines, then at most `maxBytes` bytes of those, ending on a character boundary.
    static func head(of text: String, maxLines: Int, maxBytes: Int) -> String {
        let utf8 = Array(text.utf8)
        var end = utf8.count
        var newlines = 0
        for index in utf8.indices where utf8[index] == UInt8(ascii: "\n") {
            newlines += 1
            if newlines == maxLines {
                end = index
                break
            }
        }
        if end > maxBytes {
            end = maxBytes
            // Back up over continuation bytes (10xxxxxx) so the cut lands before a character's lead byte.
            while end > 0, utf8[end] & 0xC0 == 0x80 { end -= 1 }
        }
        return String(decoding: utf8[0..<end], as: UTF8.self)
    }

    /// Lines as an editor counts them: a trailing newline does not start another line.
    static func lineCount(_ bytes: String.UTF8View) -> Int {
        guard !bytes.isEmpty else { return 0 }
        let newlines = bytes.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        return bytes.last == UInt8(ascii: "\n") ? newlines : newlines + 1
    }

    /// 64-bit FNV-1a of the UTF-8 bytes as 16 lowercase hex digits.
    public static func fnv1a64Hex(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return NumberText.hex(hash, digits: 16, uppercase: false)
    }

    /// Writes the full text once per distinct content (the name is its hash); 0700 directory, 0600 file.
    private func save(_ text: String) throws(ToolFailure) -> String {
        try FileSystem.createDirectories(directory, mode: 0o700, displayPath: directory)
        // The leaf may predate us with looser permissions; tool output can hold secrets a command printed.
        _ = chmod(directory, 0o700)
        let path = (directory.hasSuffix("/") ? directory : directory + "/") + Self.fnv1a64Hex(text) + ".txt"
        if let existing = FileSystem.info(path, followLinks: false), existing.kind == .file,
            existing.size == text.utf8.count
        {
            return path
        }
        try FileSystem.writeAtomically(path, bytes: text.utf8, mode: 0o600, displayPath: path)
        return path
    }
}
