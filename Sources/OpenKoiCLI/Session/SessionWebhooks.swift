import OpenKoiCore
import OpenKoiProviders
import OpenKoiServer

/// `[api.webhooks]` for CLI and batch runs, through the daemon's composer and outbox: budget
/// warnings are queued as they happen, results when the run ends; one delivery pass is made before
/// the process exits, and what fails stays in the outbox for its retry (sent by a running daemon or
/// the next run).
struct SessionWebhooks: Sendable {
    let composer: WebhookComposer
    let queue: TaskQueue
    let sender: WebhookSender

    /// Nil when no webhook URL is configured (nothing is opened then).
    init?(session: Session) {
        let config = session.config.api.webhooks
        guard [config.onTaskComplete, config.onTaskFailed, config.onBudgetWarning].contains(where: { $0 != nil })
        else { return nil }
        composer = WebhookComposer(config)
        queue = TaskQueue(path: session.paths.dbFile)
        let signer = config.secret.flatMap { try? WebhookSigner(secret: $0) }
        if config.secret != nil, signer == nil { session.console.warning(WebhookSecretError().description) }
        sender = WebhookSender(
            queue: queue, transport: CurlTransport(), signer: signer, schedule: config.retryScheduleSeconds,
            userAgent: "openkoi/\(OpenKoiCommand.version)", timeoutSeconds: 5)
    }

    /// Queues a `budget.warning` for each task that reaches 80% of its USD budget.
    func watch(_ events: AsyncStream<TaskEvent>) async {
        for await event in events {
            guard case .notice(_, .budgetWarning(let spent, let limit)) = event.kind else { continue }
            let deliveries = composer.budgetWarning(
                taskID: event.taskID, description: nil, status: .running, spent: spent, limit: limit)
            try? await queue.enqueueWebhooks(deliveries)
        }
    }

    /// Queues each result's `task.complete` / `task.failed`, then sends what is due.
    func finish(_ results: [TaskResult]) async {
        try? await queue.enqueueWebhooks(results.flatMap(composer.deliveries(for:)))
        await sender.deliverPending()
    }
}
