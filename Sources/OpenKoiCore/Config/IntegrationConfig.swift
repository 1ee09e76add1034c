/// One `[integrations.<name>]` table (slack, discord, telegram, msoffice, …).
public struct IntegrationConfig: Sendable, Equatable {
    /// Integrations names that have a table in the reference config; others still load but warn, as
    /// they are most likely typos.
    static let knownNames: Set<String> = [
        "slack", "discord", "telegram", "msteams", "notion", "imessage", "email", "google_sheets", "google_docs",
        "msoffice", "github", "jira", "linear",
    ]

    /// Required: an integration talks to outside services, so it is never switched on by accident.
    public var enabled: Bool
    /// Channels (or chats) to watch.
    public var channels: [String]
    /// Root folder for file-based integrations (msoffice; `~/Documents` when unset). Key `base_dir`.
    public var baseDir: String?

    public init(enabled: Bool, channels: [String] = [], baseDir: String? = nil) {
        self.enabled = enabled
        self.channels = channels
        self.baseDir = baseDir
    }

    init(reading table: ConfigTableReader) throws(ConfigError) {
        self.init(enabled: try table.requiredBool("enabled"))
        if let value = try table.strings("channels") { channels = value }
        baseDir = try table.string("base_dir")
    }
}
