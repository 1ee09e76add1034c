import FoundationEssentials
import OpenKoiCore
import OpenKoiProviders
import ServiceLifecycle

/// Delivers the outbox: POSTs each due webhook (signed when a secret is set), marks it delivered on
/// a 2xx, else schedules the next attempt on the retry schedule (Standard Webhooks': 5 s, 5 min,
/// 30 min, 2 h, 5 h, 10 h, 10 h), keeping its `webhook-id`. Runs beside the workers, so a slow or
/// failing endpoint never slows a task.
public struct WebhookSender: Service {
    let queue: TaskQueue
    let transport: any HTTPTransport
    let signer: WebhookSigner?
    /// Seconds before each retry; the delivery fails for good after the last.
    let schedule: [Double]
    let userAgent: String
    let timeoutSeconds: Double

    public init(
        queue: TaskQueue, transport: any HTTPTransport, signer: WebhookSigner?,
        schedule: [Double] = WebhooksConfig.standardRetrySchedule, userAgent: String, timeoutSeconds: Double = 10
    ) {
        self.queue = queue
        self.transport = transport
        self.signer = signer
        self.schedule = schedule
        self.userAgent = userAgent
        self.timeoutSeconds = timeoutSeconds
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let seen = queue.signal.generation(TaskQueue.outboxKey)
                let next = await deliverDue()
                let now = await queue.currentTime
                let wait = next.map { max(1, $0 - now) } ?? 60_000
                await queue.signal.wait(TaskQueue.outboxKey, since: seen, timeoutMS: min(wait, 60_000))
            }
        }
    }

    /// One pass over what is due now (a CLI run before it exits); failures stay in the outbox for
    /// their retry, which a running daemon or the next run sends.
    public func deliverPending() async { _ = await deliverDue(onePass: true) }

    /// Sends everything due now; returns when the next delivery is due.
    func deliverDue(onePass: Bool = false) async -> Int64? {
        while !Task.isCancelled {
            guard let (due, next) = try? await queue.dueWebhooks() else { return nil }
            if due.isEmpty { return next }
            for delivery in due { await attempt(delivery) }
            if onePass { return nil }
        }
        return nil
    }

    func attempt(_ delivery: WebhookDelivery) async {
        let timestamp = Int64(Date().timeIntervalSince1970)
        var headers: [(name: String, value: String)] = [
            ("content-type", "application/json"), ("user-agent", userAgent), ("webhook-id", delivery.id),
            ("webhook-timestamp", String(timestamp)),
        ]
        if let signer {
            headers.append(
                ("webhook-signature", signer.signature(id: delivery.id, timestamp: timestamp, body: delivery.body)))
        }
        let request = HTTPRequest(
            method: "POST", url: delivery.url, headers: headers, body: Data(delivery.body.utf8),
            timeout: timeoutSeconds,
            connectTimeout: min(5, timeoutSeconds), maxBodyBytes: 64 * 1024)
        var failure: String?
        do {
            let response = try await transport.send(request)
            _ = try? await response.collectBody(limit: 64 * 1024)
            if !(200..<300).contains(response.head.status) { failure = "HTTP \(response.head.status)" }
        } catch {
            failure = String(describing: error)
        }
        let retryAt: Int64? =
            failure == nil || delivery.attempts >= schedule.count
            ? nil : await queue.currentTime + Int64(schedule[delivery.attempts] * 1000)
        if let failure {
            DaemonLog.warning(
                "webhook \(delivery.event) \(delivery.id) attempt \(delivery.attempts + 1) failed: \(failure)"
                    + (retryAt == nil ? "; giving up" : ""))
        }
        try? await queue.recordAttempt(delivery.id, delivered: failure == nil, error: failure, retryAtMS: retryAt)
    }
}
