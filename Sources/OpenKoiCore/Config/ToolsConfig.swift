/// `[tools]`: the built-in tools' approval policy and limits.
public struct ToolsConfig: Sendable, Equatable {
    /// Command prefixes that shell tools may run without `--yes` (e.g. `"swift test"`, `"git status"`).
    public var allowCommands: [String]
    public var commandTimeoutSeconds: Double

    public init(allowCommands: [String] = [], commandTimeoutSeconds: Double = 120) {
        self.allowCommands = allowCommands
        self.commandTimeoutSeconds = commandTimeoutSeconds
    }

    init(reading table: ConfigTableReader) throws(ConfigError) {
        self.init()
        if let value = try table.strings("allow_commands") { allowCommands = value }
        if let value = try table.number("command_timeout_seconds") { commandTimeoutSeconds = value }
    }
}
