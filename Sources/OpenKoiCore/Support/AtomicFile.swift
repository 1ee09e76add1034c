#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes files so a crash or a concurrent reader never sees half of one: temp file in the same
/// directory, fsync, rename, fsync the directory. Files are 0600 (they may hold task text or secrets).
public enum AtomicFile {
    public struct WriteError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot write \(path): \(reason)" }
    }

    public static func write(_ data: Data, to path: String, mode: mode_t = 0o600) throws {
        let directory = parentDirectory(of: path)
        let template = directory + "/." + lastComponent(of: path) + ".tmp-XXXXXX"
        var templateBytes = Array(template.utf8CString)
        let fd = templateBytes.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mkstemp(base)
        }
        guard fd >= 0 else { throw WriteError(path: path, reason: errnoText()) }
        let tempPath = String(cString: templateBytes)
        var ok = false
        defer {
            if !ok { unlink(tempPath) }
        }
        fchmod(fd, mode)
        let written = FileDescriptorIO.writeAll(fd, data)
        guard written, fsync(fd) == 0 else {
            let reason = errnoText()
            close(fd)
            throw WriteError(path: path, reason: reason)
        }
        close(fd)
        guard rename(tempPath, path) == 0 else { throw WriteError(path: path, reason: errnoText()) }
        ok = true
        let dirFD = open(directory, O_RDONLY | O_DIRECTORY)
        if dirFD >= 0 {
            fsync(dirFD)
            close(dirFD)
        }
    }

    public static func write(_ text: String, to path: String, mode: mode_t = 0o600) throws {
        try write(Data(text.utf8), to: path, mode: mode)
    }

    /// Creates `path` and its parents with mode 0700 (existing directories keep their mode).
    public static func makeDirectory(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o700) != 0, errno != EEXIST {
                throw WriteError(path: current, reason: errnoText())
            }
        }
    }

    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func lastComponent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
