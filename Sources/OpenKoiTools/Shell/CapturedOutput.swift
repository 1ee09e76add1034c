import Glibc
import OpenKoiCore

/// Bytes read from a child's pipe, capped in memory by keeping the most recent ones.
///
/// The tail is kept because that is where compilers and test runners print the summary and the
/// errors; a chatty command must not grow the agent's memory without bound. With a `spillPath`, the
/// whole output is also written there once it outgrows the limit, so nothing is lost: the file gets
/// everything held so far, then every later byte.
struct CapturedOutput {
    let limit: Int
    private(set) var bytes: [UInt8] = []
    /// Bytes dropped from the front to stay under `limit`.
    private(set) var droppedBytes = 0
    /// Every byte read, also those dropped.
    private(set) var totalBytes = 0
    let spillPath: String?
    private var spillFD: Int32 = -1
    /// Why the spill file could not be written, if it could not.
    private(set) var spillFailure: String?

    init(limit: Int, spillPath: String? = nil) {
        self.limit = max(1, limit)
        self.spillPath = spillPath
    }

    /// True when the spill file holds the complete output.
    var spilled: Bool { spillFD >= 0 && spillFailure == nil }

    mutating func append(_ chunk: UnsafeRawBufferPointer) {
        totalBytes += chunk.count
        if spillFD >= 0 { spill(chunk) }
        bytes.append(contentsOf: chunk)
        // Trim only when twice over the limit so a long stream costs amortised O(1) per byte.
        if bytes.count > limit * 2 { trim() }
    }

    mutating func trim() {
        guard bytes.count > limit else { return }
        if droppedBytes == 0, spillFD < 0, spillPath != nil, spillFailure == nil { startSpilling() }
        let excess = bytes.count - limit
        bytes.removeFirst(excess)
        droppedBytes += excess
    }

    /// Closes the spill file (the output is complete).
    mutating func close() {
        if spillFD >= 0 { Glibc.close(spillFD) }
    }

    private mutating func startSpilling() {
        guard let spillPath else { return }
        // The directory is made only now: most commands never need it.
        do {
            try AtomicFile.makeDirectories(AtomicFile.parentDirectory(of: spillPath), mode: 0o700)
        } catch {
            spillFailure = error.description
            return
        }
        let fd = open(spillPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            spillFailure = "cannot create \(spillPath): \(String(cString: strerror(errno)))"
            return
        }
        spillFD = fd
        bytes.withUnsafeBytes { spill($0) }
    }

    private mutating func spill(_ chunk: UnsafeRawBufferPointer) {
        guard spillFailure == nil, let base = chunk.baseAddress, !chunk.isEmpty else { return }
        var offset = 0
        while offset < chunk.count {
            let written = write(spillFD, base + offset, chunk.count - offset)
            if written < 0, errno == EINTR { continue }
            guard written > 0 else {
                spillFailure = "writing \(spillPath ?? ""): \(String(cString: strerror(errno)))"
                return
            }
            offset += written
        }
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
