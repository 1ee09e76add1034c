import FoundationEssentials
import OpenKoiCore
import OpenKoiServer

#if canImport(Glibc)
    import Glibc
#endif

/// Starts `openkoi daemon start --foreground` detached (its own session, stdin from /dev/null,
/// output appended to the log file) and waits until it listens, or reports why it did not.
struct DaemonLauncher {
    let files: DaemonFiles
    /// How long a start may take (the first open migrates the database).
    var timeoutSeconds: Double = 60

    func launch(arguments: [String]) throws {
        let executable = Self.executablePath()
        try AtomicFile.makeDirectories(files.dataDir + "/logs")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, files.logFile, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A session of its own: closing the terminal (SIGHUP) or Ctrl-C in it does not reach the daemon.
        posix_spawnattr_setflags(&attributes, Self.spawnSetSID)
        let argv = [executable] + arguments
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, &cArguments, environ)
        guard result == 0 else {
            throw CLIError("cannot start the daemon (\(executable)): \(String(cString: strerror(result)))")
        }
        let deadline = ContinuousClock.now + .seconds(timeoutSeconds)
        while ContinuousClock.now < deadline {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                throw CLIError("the daemon exited during start-up; its log (\(files.logFile)) ends:\n\(logTail())")
            }
            if let state = files.runningState(), state.pid == pid {
                StandardStreams.out("OpenKoi daemon started (PID \(pid)) on http://\(state.host):\(state.port)\n")
                StandardStreams.out("Log: \(files.logFile)\n")
                return
            }
            usleep(20_000)
        }
        throw CLIError(
            "the daemon (PID \(pid)) did not start listening within \(Int(timeoutSeconds)) s; see \(files.logFile)")
    }

    func logTail(lines: Int = 8) -> String {
        guard let data = FileManager.default.contents(atPath: files.logFile) else { return "(empty)" }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// glibc's `POSIX_SPAWN_SETSID` (2.26+), which its header hides behind `_GNU_SOURCE`.
    static let spawnSetSID: Int16 = 0x80

    static func executablePath() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return CommandLine.arguments[0] }
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
