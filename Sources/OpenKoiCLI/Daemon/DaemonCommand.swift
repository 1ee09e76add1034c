import ArgumentParser
import FoundationEssentials
import OpenKoiCore
import OpenKoiServer

#if canImport(Glibc)
    import Glibc
#endif

/// `openkoi daemon start|stop|status`: the REST task queue on 127.0.0.1:9742.
struct Daemon: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the REST task queue in the background (start, stop, status).",
        discussion: """
            start runs the daemon in the background (--foreground keeps it attached): the API on
            [api] bind:port (127.0.0.1:9742), queue workers, and the webhook sender. Its PID is in
            <data>/daemon.pid and its log in <data>/logs/daemon.log. stop shuts it down gracefully:
            running tasks get [daemon] shutdown_grace_seconds to finish, then are given back to the queue.
            """,
        subcommands: [DaemonStart.self, DaemonStop.self, DaemonStatus.self])
}

struct DaemonStart: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Start the daemon.")

    @Flag(help: "Stay attached to the terminal (logs on stderr) instead of detaching.")
    var foreground = false

    @OptionGroup var options: TaskOptions

    func run() throws {
        let session = try reportingCLIErrors { try Session(options: options.overrides) }
        let files = DaemonFiles(dataDir: session.paths.dataDir)
        if foreground {
            let code = try reportingCLIErrors { try DaemonHost(session: session, files: files).serve() }
            if code != 0 { throw ExitCode(code) }
            return
        }
        if let state = files.runningState() {
            StandardStreams.out(
                "OpenKoi daemon already running (PID \(state.pid)) on http://\(state.host):\(state.port)\n")
            return
        }
        try reportingCLIErrors { try DaemonLauncher(files: files).launch(arguments: Self.forwardedArguments()) }
    }

    /// This command's own options, passed on to the detached `daemon start --foreground`.
    static func forwardedArguments() -> [String] {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let start = arguments.firstIndex(of: "start") else { return ["daemon", "start", "--foreground"] }
        return Array(arguments[...start]) + ["--foreground"] + arguments[(start + 1)...]
    }
}

struct DaemonStop: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stop", abstract: "Stop the daemon gracefully.")

    @Option(help: "Config file to load instead of ~/.openkoi/config.toml.")
    var config: String?

    func run() throws {
        let session = try reportingCLIErrors { try Session(options: RunOverrides.forConfig(config)) }
        let files = DaemonFiles(dataDir: session.paths.dataDir)
        guard let pid = files.runningPID() else {
            StandardStreams.out("Daemon is not running\n")
            return
        }
        kill(pid, SIGTERM)
        // The daemon lets running tasks finish within its grace period, then gives them back.
        let limit = session.config.daemon.shutdownGraceSeconds + 15
        let deadline = ContinuousClock.now + .milliseconds(Int64(limit * 1000))
        while files.isLocked {
            guard ContinuousClock.now < deadline else {
                throw reportedError(
                    "daemon (PID \(pid)) did not stop within \(Int(limit)) s; see \(files.logFile), or kill -9 \(pid)")
            }
            usleep(50_000)
        }
        files.removeState()
        StandardStreams.out("Daemon stopped (PID \(pid))\n")
    }
}

struct DaemonStatus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Whether the daemon runs, its address, queue depth and running tasks.")

    @Option(help: "Config file to load instead of ~/.openkoi/config.toml.")
    var config: String?

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        let session = try reportingCLIErrors { try Session(options: RunOverrides.forConfig(config)) }
        let report = DaemonReport(
            files: DaemonFiles(dataDir: session.paths.dataDir), dbPath: session.paths.dbFile,
            queueSetting: session.config.daemon.queue)
        let json = self.json
        switch BlockingRunner.storeWork(path: session.paths.dbFile, { try await json ? report.json() : report.text() })
        {
        case .success(let text): StandardStreams.out(text)
        case .failure(let error): throw reportedError("\(error)")
        }
    }
}
