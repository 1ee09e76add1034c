/// `[tools]`: the built-in tools' approval policy, limits and command sandbox.
public struct ToolsConfig: Sendable, Equatable {
    /// Command prefixes that shell tools may run without `--yes` (e.g. `"swift test"`, `"git status"`).
    public var allowCommands: [String]
    /// Seconds before a `run_command` is killed; 0 = no limit.
    public var commandTimeoutSeconds: Double
    /// `sandbox`: where model-written commands (`run_command`, test runs) may write.
    public var sandbox: SandboxMode
    /// `sandbox_network`: whether sandboxed commands may reach the network.
    public var sandboxNetwork: Bool
    /// `sandbox_env`: environment variables passed into the sandbox beyond the minimal set.
    public var sandboxEnvironment: [String]

    public init(
        allowCommands: [String] = [], commandTimeoutSeconds: Double = 120, sandbox: SandboxMode = .workspaceWrite,
        sandboxNetwork: Bool = false, sandboxEnvironment: [String] = []
    ) {
        self.allowCommands = allowCommands
        self.commandTimeoutSeconds = commandTimeoutSeconds
        self.sandbox = sandbox
        self.sandboxNetwork = sandboxNetwork
        self.sandboxEnvironment = sandboxEnvironment
    }

    init(reading table: ConfigTableReader) throws(ConfigError) {
        self.init()
        if let value = try table.strings("allow_commands") { allowCommands = value }
        if let value = try table.number("command_timeout_seconds") { commandTimeoutSeconds = value }
        if let value = try table.string("sandbox") {
            guard let mode = SandboxMode(rawValue: value) else {
                throw table.invalid("sandbox", "expected one of \(SandboxMode.names), got '\(value)'")
            }
            sandbox = mode
        }
        if let value = try table.bool("sandbox_network") { sandboxNetwork = value }
        if let names = try table.strings("sandbox_env") {
            if let bad = names.first(where: { !SandboxMode.isVariableName($0) }) {
                throw table.invalid("sandbox_env", "'\(bad)' is not an environment variable name")
            }
            sandboxEnvironment = names
        }
    }
}

/// How model-written shell commands are confined (`[tools] sandbox`, `--sandbox`).
public enum SandboxMode: String, Sendable, Hashable, CaseIterable {
    /// The whole file system is read-only; only a private /tmp and home are writable (and discarded).
    case readOnly = "read-only"
    /// As read-only, but the workspace is writable.
    case workspaceWrite = "workspace-write"
    /// No sandbox: commands run as the user, with the environment minus credential-named variables.
    case off

    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// A POSIX name: letters, digits and `_`, not starting with a digit.
    public static func isVariableName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
            return false
        }
        return name.utf8.allSatisfy { byte in
            byte == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
    }
}
