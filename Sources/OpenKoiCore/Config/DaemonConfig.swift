/// `[daemon]`: the background task runner.
public struct DaemonConfig: Sendable, Equatable {
    /// Run tasks that arrive through integrations without asking first.
    public var autoExecute: Bool

    public init(autoExecute: Bool = true) {
        self.autoExecute = autoExecute
    }

    init(reading table: ConfigTableReader) throws(ConfigError) {
        self.init()
        if let value = try table.bool("auto_execute") { autoExecute = value }
    }
}
