import Hummingbird
import Logging
import NIOCore
import OpenKoiCore
import OpenKoiProviders
import ServiceLifecycle
import UnixSignals

/// One daemon process: the REST API, the queue workers, the webhook sender and the pattern
/// scheduler under one service group, shut down gracefully on SIGTERM or SIGINT (workers first: they
/// stop claiming and let running tasks finish within the grace period; the sender last, so the final
/// webhooks go out).
public struct DaemonRuntime: Sendable {
    public var queue: TaskQueue
    public var runner: any TaskRunner
    public var api: APIConfiguration
    public var bind: String
    public var port: Int
    public var workers: QueueWorkers.Settings
    public var webhooks: WebhooksConfig
    public var owner: String
    /// The approved patterns the scheduler queues on their schedules (`nil`: no scheduler).
    public var patterns: PatternScheduler.Patterns?

    public init(
        queue: TaskQueue, runner: any TaskRunner, api: APIConfiguration, bind: String, port: Int,
        workers: QueueWorkers.Settings, webhooks: WebhooksConfig, owner: String,
        patterns: PatternScheduler.Patterns? = nil
    ) {
        self.patterns = patterns
        self.queue = queue
        self.runner = runner
        self.api = api
        self.bind = bind
        self.port = port
        self.workers = workers
        self.webhooks = webhooks
        self.owner = owner
    }

    /// Recovers what a dead daemon left, then serves until a signal (or `shutdown`) stops it.
    /// - Parameter listening: called once with the bound port (0 in config binds an ephemeral one).
    public func run(
        transport: any HTTPTransport = CurlTransport(), signals: [UnixSignal] = [.sigterm, .sigint],
        listening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        try await queue.open()
        // Alone on its SQLite queue (the data dir's lock proves it) every running lease is a dead
        // worker's; on a shared queue only the expired ones are, and the workers keep sweeping.
        let recovered = try await queue.recoverAbandoned(policy: workers.onInterrupt, onlyExpired: queue.isShared)
        if recovered > 0 { DaemonLog.info("recovered \(recovered) task(s) a stopped daemon left running") }
        var logger = Logger(label: "openkoi.daemon")
        logger.logLevel = .warning
        let signer = try webhooks.secret.map { secret throws(WebhookSecretError) in try WebhookSigner(secret: secret) }
        let sender = WebhookSender(
            queue: queue, transport: transport, signer: signer, schedule: webhooks.retryScheduleSeconds,
            userAgent: "openkoi/\(api.version)")
        let workerService = QueueWorkers(
            queue: queue, runner: runner, settings: workers, owner: owner, webhooks: WebhookComposer(webhooks))
        let bind = self.bind
        let app = Application(
            router: TaskAPI(queue: queue, configuration: api).router(),
            configuration: .init(address: .hostname(bind, port: port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                DaemonLog.info("API listening on http://\(bind):\(port)")
                await listening(port)
            },
            logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: sender)]
        if let patterns { services.append(.init(service: PatternScheduler(queue: queue, patterns: patterns))) }
        services += [.init(service: app), .init(service: workerService)]
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: signals, cancellationSignals: [], logger: logger))
        do {
            try await group.run()
        } catch {
            await queue.close()
            throw error
        }
        await queue.close()
    }
}
