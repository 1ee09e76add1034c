import FoundationEssentials
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one way OpenKoi replaces a file and makes directories.
///
/// A replacement never shows a reader (or a crash) half a file: a temporary file in the same
/// directory, written, given its mode, fsynced, renamed over the target, then the directory fsynced.
public enum AtomicFile {
    public struct WriteError: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot write \(path): \(reason)" }
    }

    /// Replaces (or creates) `path` with `bytes`; `mode` 0600 by default (files may hold task text or secrets).
    public static func write(_ bytes: some Collection<UInt8>, to path: String, mode: mode_t = 0o600) throws(WriteError)
    {
        let directory = parentDirectory(of: path)
        var template = Array((directory + "/." + lastComponent(of: path) + ".tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mkstemp(base)
        }
        guard fd >= 0 else { throw WriteError(path: path, reason: "cannot create a temporary file: \(errnoText())") }
        // Close-on-exec, so a process spawned meanwhile does not inherit it.
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        let temporary = String(nulTerminated: template)
        var succeeded = false
        defer { if !succeeded { unlink(temporary) } }
        do {
            defer { close(fd) }
            guard FileDescriptorIO.writeAll(fd, bytes) else { throw WriteError(path: path, reason: errnoText()) }
            guard fchmod(fd, mode) == 0 else {
                throw WriteError(path: path, reason: "cannot set its mode: \(errnoText())")
            }
            guard fsync(fd) == 0 else { throw WriteError(path: path, reason: "cannot flush it: \(errnoText())") }
        }
        guard rename(temporary, path) == 0 else { throw WriteError(path: path, reason: errnoText()) }
        succeeded = true
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            // The rename is durable only once the directory entry is on disk; failure here is not fatal.
            _ = fsync(directoryFD)
            close(directoryFD)
        }
    }

    public static func write(_ text: String, to path: String, mode: mode_t = 0o600) throws(WriteError) {
        try write(text.utf8, to: path, mode: mode)
    }

    public static func write(_ data: Data, to path: String, mode: mode_t = 0o600) throws(WriteError) {
        try write(Array(data), to: path, mode: mode)
    }

    /// `mkdir -p`: creates `path` and its missing parents with `mode` (existing directories keep
    /// theirs); fails when something that is not a directory is in the way.
    public static func makeDirectories(_ path: String, mode: mode_t = 0o700) throws(WriteError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            var info = stat()
            if stat(current, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFDIR else {
                    throw WriteError(path: current, reason: "it exists and is not a directory")
                }
                continue
            }
            if mkdir(current, mode) != 0, errno != EEXIST {
                throw WriteError(path: current, reason: "cannot create the directory: \(errnoText())")
            }
        }
    }

    package static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func lastComponent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
