#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import OpenKoiCore

/// Unbuffered writes to stdout and stderr. Results go to stdout; progress, warnings and errors to
/// stderr only, so `openkoi … > answer.txt` captures the answer alone.
enum StandardStreams {
    static func out(_ text: String) { write(fd: 1, text) }
    static func err(_ text: String) { write(fd: 2, text) }

    /// Best effort: a closed stdout or stderr has nowhere to report the failure to.
    static func write(fd: Int32, _ text: String) {
        _ = FileDescriptorIO.writeAll(fd, text.utf8)
    }

    /// Writes a result (the answer, a JSON line) to stdout; nil when it was written, else why not.
    /// The result is the point of the run, so a full disk or a closed stdout must not pass silently.
    static func writeResult(_ text: String) -> String? {
        if stdoutWasClosed.value { return "standard output is closed" }
        guard FileDescriptorIO.writeAll(1, text.utf8) else { return String(cString: strerror(errno)) }
        return nil
    }

    private static let stdoutWasClosed = LockedValue(false)

    /// Puts /dev/null on a closed stdin, stdout or stderr before anything opens a file: otherwise
    /// the next `open` (a state file, the database) would get descriptor 1 and the answer would be
    /// written into it. A closed stdout is remembered, so the result reports it.
    static func guardClosedDescriptors() {
        for fd: Int32 in 0...2 where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
            let opened = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY)
            if opened >= 0, opened != fd {
                _ = dup2(opened, fd)
                close(opened)
            }
            if fd == 1 { stdoutWasClosed.withLock { $0 = true } }
        }
    }

    static var stderrIsTerminal: Bool { isatty(2) == 1 }
    static var stdinIsTerminal: Bool { isatty(0) == 1 }

    /// True when stdin is a pipe or a file (not a terminal, not /dev/null): its text is part of the task.
    static var stdinHasData: Bool {
        var info = stat()
        guard fstat(0, &info) == 0 else { return false }
        let type = info.st_mode & S_IFMT
        return type == S_IFIFO || type == S_IFREG
    }

    /// True when stdin has data or end-of-file within `milliseconds`: a pipe nobody writes to (ssh,
    /// some CI runners) must not hang a run whose task was given as words.
    static func stdinReady(withinMilliseconds milliseconds: Int32) -> Bool {
        var descriptor = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, milliseconds) > 0
    }

    /// Reads all of stdin (what was read before an error, if one happens).
    static func readStdin() -> String {
        String(decoding: readStdinBytes(), as: UTF8.self)
    }

    /// All of stdin as bytes, undecoded.
    static func readStdinBytes() -> [UInt8] { FileDescriptorIO.readAll(0) ?? [] }
}

/// Leveled diagnostics on stderr (`OPENKOI_LOG_LEVEL` / `log_level`), never on stdout.
struct Console: Sendable {
    var level: LogLevel

    // Messages may quote a server's error body or a model's text: escaped for the terminal.
    func error(_ message: String) { StandardStreams.err("error: \(TerminalText.escaped(message))\n") }
    func warning(_ message: String) { if level >= .warn { write("warning", message) } }
    func info(_ message: String) { if level >= .info { write("info", message) } }
    func debug(_ message: String) { if level >= .debug { write("debug", message) } }
    /// An unlabelled line the original printed the same way (`  Note: …`), shown unless quiet.
    func note(_ message: String) { if level >= .warn { StandardStreams.err(TerminalText.escaped(message) + "\n") } }

    private func write(_ label: String, _ message: String) {
        StandardStreams.err("\(label): \(TerminalText.escaped(message))\n")
    }
}
