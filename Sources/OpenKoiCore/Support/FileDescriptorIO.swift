#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whole reads and writes on a file descriptor: POSIX `read`/`write` may move fewer bytes than asked
/// or be interrupted by a signal, and every caller needs the same retry loop.
public enum FileDescriptorIO {
    /// Writes every byte. Returns false on failure, with `errno` set.
    public static func writeAll(_ fd: Int32, _ bytes: some Collection<UInt8>) -> Bool {
        let buffer = Array(bytes)
        var written = 0
        while written < buffer.count {
            let count = buffer.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return write(fd, base + written, raw.count - written)
            }
            if count < 0 {
                if errno == EINTR { continue }
                return false
            }
            if count == 0 {
                errno = EIO  // no progress and no error: give up rather than spin
                return false
            }
            written += count
        }
        return true
    }

    /// Reads from the current offset to end of file. Returns nil on failure, with `errno` set.
    public static func readAll(_ fd: Int32) -> [UInt8]? {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return read(fd, base, raw.count)
            }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }
}
