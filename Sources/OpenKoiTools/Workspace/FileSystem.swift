import Glibc
import OpenKoiCore

/// A failed tool operation, carrying the message the model will read.
struct ToolFailure: Error, Sendable, Hashable {
    let message: String

    init(_ message: String) { self.message = message }
}

/// POSIX file operations the tools need, with errors that name the path and the cause.
///
/// FoundationEssentials' `FileManager` cannot set modes on atomic writes or stop a walk at a cap,
/// and full Foundation is off limits (DESIGN.md §4), so these sit directly on libc.
enum FileSystem {
    enum Kind: Sendable, Hashable {
        case file, directory, symlink, other
    }

    struct Info: Sendable, Hashable {
        let kind: Kind
        let size: Int
        let mode: mode_t
    }

    /// `stat` (following links) or `lstat`; nil when nothing is there.
    static func info(_ path: String, followLinks: Bool = true) -> Info? {
        var raw = stat()
        let rc = followLinks ? stat(path, &raw) : lstat(path, &raw)
        guard rc == 0 else { return nil }
        let kind: Kind =
            switch raw.st_mode & S_IFMT {
            case S_IFREG: .file
            case S_IFDIR: .directory
            case S_IFLNK: .symlink
            default: .other
            }
        return Info(kind: kind, size: Int(raw.st_size), mode: raw.st_mode & 0o7777)
    }

    /// The whole file, refusing anything larger than `maxBytes`.
    static func readBytes(_ path: String, displayPath: String, maxBytes: Int) throws(ToolFailure) -> [UInt8] {
        // O_NONBLOCK: a FIFO swapped in after the caller's check must not block the open (regular
        // files ignore the flag).
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw failure("cannot open '\(displayPath)'") }
        defer { close(fd) }
        var raw = stat()
        guard fstat(fd, &raw) == 0 else { throw failure("cannot stat '\(displayPath)'") }
        guard raw.st_mode & S_IFMT == S_IFREG else {
            throw ToolFailure(
                "'\(displayPath)' is not a regular file (a FIFO, socket or device); only regular files are read")
        }
        let size = Int(raw.st_size)
        guard size <= maxBytes else {
            throw ToolFailure(
                "'\(displayPath)' is \(size) bytes, more than the \(maxBytes)-byte limit for this tool; use grep to find the part you need, or run_command with head/tail/sed"
            )
        }
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        while filled < size {
            let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress.map { $0 + filled }, size - filled) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw failure("cannot read '\(displayPath)'") }
            if count == 0 { break }  // The file shrank while we read it.
            filled += count
        }
        return Array(bytes[0..<filled])
    }

    /// The first bytes of a file (binary sniffing), or nil when it cannot be read.
    static func prefix(_ path: String, count: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: count)
        let got = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, count) }
        guard got >= 0 else { return nil }
        return Array(bytes[0..<got])
    }

    /// Heuristic used by read_file and grep: a NUL byte in the first 8 KiB means binary, as git decides.
    static func looksBinary(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.prefix(8192).contains(0)
    }

    /// Replaces (or creates) `path` so a reader sees either the old or the new content, never a mix
    /// (`AtomicFile.write`, DESIGN.md §5), with errors naming `displayPath`.
    static func writeAtomically(_ path: String, bytes: some Collection<UInt8>, mode: mode_t, displayPath: String)
        throws(ToolFailure)
    {
        do {
            try AtomicFile.write(bytes, to: path, mode: mode)
        } catch {
            throw ToolFailure("cannot write '\(displayPath)': \(error.reason)")
        }
    }

    /// `mkdir -p` (`AtomicFile.makeDirectories`); each missing directory gets `mode`.
    static func createDirectories(_ path: String, mode: mode_t, displayPath: String) throws(ToolFailure) {
        do {
            try AtomicFile.makeDirectories(path, mode: mode)
        } catch {
            throw ToolFailure("cannot create directory '\(displayPath)': \(error.reason)")
        }
    }

    struct Entry: Sendable, Hashable {
        let name: String
        let kind: Kind
    }

    /// A directory's entries (without `.` and `..`), unsorted; symlinks are reported as such, not followed.
    static func entries(_ path: String, displayPath: String) throws(ToolFailure) -> [Entry] {
        guard let directory = opendir(path) else { throw failure("cannot list '\(displayPath)'") }
        defer { closedir(directory) }
        var result: [Entry] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            let kind: Kind =
                switch Int32(entry.pointee.d_type) {
                case Int32(DT_REG): .file
                case Int32(DT_DIR): .directory
                case Int32(DT_LNK): .symlink
                case Int32(DT_UNKNOWN): info(path + "/" + name, followLinks: false)?.kind ?? .other
                default: .other
                }
            result.append(Entry(name: name, kind: kind))
        }
        return result
    }

    /// A failure whose message ends with the current `errno` text.
    static func failure(_ message: String) -> ToolFailure {
        ToolFailure("\(message): \(String(cString: strerror(errno)))")
    }
}
