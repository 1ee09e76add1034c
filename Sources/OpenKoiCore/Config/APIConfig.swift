/// `[api]`: the daemon's REST API on 127.0.0.1.
public struct APIConfig: Sendable, Equatable {
    public var enabled: Bool
    /// 0 binds an ephemeral port (tests).
    public var port: Int
    /// Bearer token required on every request when set.
    public var token: String?
    /// Address to listen on; loopback unless configured.
    public var bind: String
    /// Largest request body accepted (bytes).
    public var maxBodyBytes: Int
    public var webhooks: WebhooksConfig

    public init(
        enabled: Bool = true, port: Int = 9742, token: String? = nil, bind: String = "127.0.0.1",
        maxBodyBytes: Int = 1 << 20, webhooks: WebhooksConfig = WebhooksConfig()
    ) {
        self.enabled = enabled
        self.port = port
        self.token = token
        self.bind = bind
        self.maxBodyBytes = maxBodyBytes
        self.webhooks = webhooks
    }

    init(reading table: ConfigTableReader) throws(ConfigError) {
        self.init()
        if let value = try table.bool("enabled") { enabled = value }
        if let value = try table.integer("port", atLeast: 0, atMost: 65535) { port = value }
        token = try table.string("token")
        if let value = try table.string("bind") { bind = value }
        if let value = try table.integer("max_body_bytes", atLeast: 1024, atMost: 64 << 20) { maxBodyBytes = value }
        if let value = try table.section("webhooks", WebhooksConfig.init(reading:)) { webhooks = value }
    }
}

/// `[api.webhooks]`: URLs POSTed to on task events.
public struct WebhooksConfig: Sendable, Equatable {
    public var onTaskComplete: String?
    public var onTaskFailed: String?
    public var onBudgetWarning: String?
    /// `whsec_…` (Standard Webhooks): deliveries are signed when set.
    public var secret: String?
    /// Seconds before each retry of a failed delivery (Standard Webhooks' schedule by default).
    public var retryScheduleSeconds: [Double]

    public static let standardRetrySchedule: [Double] = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000]

    public init(
        onTaskComplete: String? = nil, onTaskFailed: String? = nil, onBudgetWarning: String? = nil,
        secret: String? = nil, retryScheduleSeconds: [Double] = WebhooksConfig.standardRetrySchedule
    ) {
        self.onTaskComplete = onTaskComplete
        self.onTaskFailed = onTaskFailed
        self.onBudgetWarning = onBudgetWarning
        self.secret = secret
        self.retryScheduleSeconds = retryScheduleSeconds
    }

    init(reading table: ConfigTableReader) throws(ConfigError) {
        self.init()
        onTaskComplete = try table.string("on_task_complete")
        onTaskFailed = try table.string("on_task_failed")
        onBudgetWarning = try table.string("on_budget_warning")
        secret = try table.string("secret")
        if let value = try table.numbers("retry_schedule_seconds") { retryScheduleSeconds = value }
    }
}
