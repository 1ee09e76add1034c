import Dispatch
import FoundationEssentials
import OpenKoiCore
import OpenKoiMemory
import OpenKoiServer

#if canImport(Glibc)
    import Glibc
#endif

/// The daemon process itself (`daemon start --foreground`): holds the data dir's lock, serves the
/// queue through one pipeline until SIGTERM/SIGINT, then drains and removes its PID file.
struct DaemonHost {
    let session: Session
    let files: DaemonFiles

    /// Serves until stopped; returns the exit code.
    func serve() throws -> Int32 {
        let config = session.config
        if let pid = try files.acquireLock() {
            throw CLIError("OpenKoi daemon already running (PID \(pid)) for \(files.dataDir)")
        }
        guard let interrupt = QueueStatus.InterruptPolicy(rawValue: config.daemon.onInterrupt) else {
            throw CLIError("[daemon] on_interrupt must be requeue or interrupt")
        }
        if let secret = config.api.webhooks.secret {
            do { _ = try WebhookSigner(secret: secret) } catch { throw CLIError(error.description) }
        }
        let policy = session.policy()
        let store = TaskQueue.Store(setting: config.daemon.queue, sqlitePath: session.paths.dbFile)
        let queue = TaskQueue(
            store: store,
            limits: QueueLimits(
                maxQueued: config.daemon.maxQueued, maxAttempts: config.daemon.maxAttempts,
                dailyBudgetUSD: config.daemon.dailyBudgetUSD, defaultTaskBudgetUSD: policy.maxCostUSD))
        let bus = EventBus()
        let pipeline = Pipeline(
            configuration: session.pipelineConfiguration(concurrency: config.daemon.workers),
            services: session.services(events: bus, channel: "daemon"))
        let runner = PipelineRunner(pipeline: pipeline, bus: bus, policy: policy)
        let started = QueueClock.now()
        let pid = getpid()
        let runtime = DaemonRuntime(
            queue: queue, runner: runner,
            api: APIConfiguration(
                version: OpenKoiCommand.version, token: config.api.token, maxBodyBytes: config.api.maxBodyBytes,
                startedMS: started, processID: pid),
            bind: config.api.bind, port: config.api.port,
            workers: QueueWorkers.Settings(
                workers: config.daemon.workers, leaseMS: Int64(config.daemon.leaseSeconds * 1000),
                graceSeconds: config.daemon.shutdownGraceSeconds, onInterrupt: interrupt),
            webhooks: config.api.webhooks, owner: "\(Self.hostName()):\(pid):\(TaskSpec.newID().prefix(8))",
            patterns: { [memory = MemoryStore(path: session.paths.dbFile)] in try await memory.patterns() })
        let files = self.files
        let bind = config.api.bind
        let failure = LockedValue<String?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            do {
                try await runtime.run { port in
                    do {
                        try files.writeState(pid: pid, host: bind, port: port, startedMS: started, queue: store.shown)
                    } catch {
                        DaemonLog.error("cannot write \(files.stateFile): \(error)")
                    }
                    StandardStreams.err("OpenKoi daemon listening on http://\(bind):\(port) (PID \(pid))\n")
                }
            } catch {
                failure.withLock { $0 = "\(error)" }
            }
            await runner.shutdown()
            bus.finish()
            done.signal()
        }
        done.wait()
        files.removeState()
        if let message = failure.value {
            StandardStreams.err("error: daemon stopped: \(TerminalText.escaped(message))\n")
            return 1
        }
        StandardStreams.err("Daemon stopped\n")
        return 0
    }

    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        return String(nulTerminated: buffer)
    }
}
