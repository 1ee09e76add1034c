/// `[api]`: the daemon's REST API on 127.0.0.1.
public struct APIConfig: Sendable, Equatable {
    public var enabled: Bool
    /// 0 binds an ephemeral port (tests).
    public var port: Int
    /// Bearer token required on every request when set.
    public var token: String?
    public var webhooks: WebhooksConfig

    public init(
        enabled: Bool = true, port: Int = 9742, token: String? = nil, webhooks: WebhooksConfig = WebhooksConfig()
    ) {
        self.enabled = enabled
        self.port = port
        self.token = token
        self.webhooks = webhooks
    }

    init(reading table: ConfigTableReader) throws(ConfigError) {
        self.init()
        if let value = try table.bool("enabled") { enabled = value }
        if let value = try table.integer("port", atLeast: 0, atMost: 65535) { port = value }
        token = try table.string("token")
        if let value = try table.section("webhooks", WebhooksConfig.init(reading:)) { webhooks = value }
    }
}

/// `[api.webhooks]`: URLs POSTed to on task events.
public struct WebhooksConfig: Sendable, Equatable {
    public var onTaskComplete: String?
    public var onTaskFailed: String?
    public var onBudgetWarning: String?

    public init(onTaskComplete: String? = nil, onTaskFailed: String? = nil, onBudgetWarning: String? = nil) {
        self.onTaskComplete = onTaskComplete
        self.onTaskFailed = onTaskFailed
        self.onBudgetWarning = onBudgetWarning
    }

    init(reading table: ConfigTableReader) throws(ConfigError) {
        self.init()
        onTaskComplete = try table.string("on_task_complete")
        onTaskFailed = try table.string("on_task_failed")
        onBudgetWarning = try table.string("on_budget_warning")
    }
}
