import FoundationEssentials
import OpenKoiCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The daemon's files in the data dir: `daemon.lock` (held while it runs: one daemon per data
/// dir), `daemon.pid` (the reference's), `daemon.json` (pid, address, start time: written once it
/// listens) and `logs/daemon.log`.
public struct DaemonFiles: Sendable {
    public let dataDir: String

    public init(dataDir: String) { self.dataDir = dataDir }

    public var lockFile: String { dataDir + "/daemon.lock" }
    public var pidFile: String { dataDir + "/daemon.pid" }
    public var stateFile: String { dataDir + "/daemon.json" }
    public var logFile: String { dataDir + "/logs/daemon.log" }

    /// Takes the data dir's daemon lock for the life of the process (the kernel drops it when the
    /// process dies, even by kill -9). Returns the running daemon's PID when another holds it.
    public func acquireLock() throws -> Int32? {
        try AtomicFile.makeDirectories(dataDir)
        let fd = open(lockFile, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw DaemonError("cannot open \(lockFile): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            let text = try? String(contentsOfFile: pidFile, encoding: .utf8)
            return text.flatMap { Int32($0.trimmed) } ?? -1
        }
        // Deliberately never closed: the lock lasts as long as this process.
        return nil
    }

    /// Records the process as the data dir's daemon, listening on `host:port`.
    public func writeState(pid: Int32, host: String, port: Int, startedMS: Int64, queue: String) throws {
        try AtomicFile.write("\(pid)\n", to: pidFile)
        let state: JSONValue = [
            "pid": .number(Double(pid)), "host": .string(host), "port": .number(Double(port)),
            "started_at": .string(QueuedTask.time(startedMS)), "started_ms": .number(Double(startedMS)),
            "queue": .string(queue),
        ]
        try AtomicFile.write(state.jsonString + "\n", to: stateFile)
    }

    public func removeState() {
        unlink(stateFile)
        unlink(pidFile)
    }

    /// The PID in `daemon.pid` while a daemon holds the lock.
    public func runningPID() -> Int32? {
        guard isLocked, let text = try? String(contentsOfFile: pidFile, encoding: .utf8), let pid = Int32(text.trimmed),
            pid > 0
        else { return nil }
        return pid
    }

    /// Whether a daemon holds the data dir's lock: the truth about "running" (a PID check is fooled
    /// by a zombie or a reused PID; the kernel drops the lock the moment the process dies).
    public var isLocked: Bool {
        let fd = open(lockFile, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK
    }

    /// The live daemon's state (`daemon.json`), nil when none runs.
    public func runningState() -> DaemonState? {
        guard isLocked, let data = FileManager.default.contents(atPath: stateFile), let json = JSONValue.parse(data),
            let pid = json["pid"]?.intValue, let port = json["port"]?.intValue
        else { return nil }
        return DaemonState(
            pid: Int32(pid), host: json["host"]?.stringValue ?? "127.0.0.1", port: port,
            startedMS: Int64(json["started_ms"]?.doubleValue ?? 0), queue: json["queue"]?.stringValue ?? "sqlite")
    }
}

public struct DaemonState: Sendable, Hashable {
    public var pid: Int32
    public var host: String
    public var port: Int
    public var startedMS: Int64
    public var queue: String
}

public struct DaemonError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
