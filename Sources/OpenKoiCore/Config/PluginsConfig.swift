/// `[plugins]`: extra tools and hooks loaded at startup.
public struct PluginsConfig: Sendable, Equatable {
    /// Paths of WASM plugin modules.
    public var wasm: [String]
    /// Paths of script plugins.
    public var scripts: [String]
    /// `[[plugins.mcp]]` servers; when empty, `./.mcp.json` is consulted instead.
    public var mcp: [MCPServerConfig]

    public init(wasm: [String] = [], scripts: [String] = [], mcp: [MCPServerConfig] = []) {
        self.wasm = wasm
        self.scripts = scripts
        self.mcp = mcp
    }

    init(reading table: ConfigTableReader) throws(ConfigError) {
        self.init()
        if let value = try table.strings("wasm") { wasm = value }
        if let value = try table.strings("scripts") { scripts = value }
        if let value = try table.sectionArray("mcp", MCPServerConfig.init(reading:)) { mcp = value }
    }
}

/// One `[[plugins.mcp]]` entry: an MCP server started as a subprocess.
public struct MCPServerConfig: Sendable, Equatable {
    /// Prefix of the tools it exposes (`<name>__<tool>`).
    public var name: String
    public var command: String
    public var args: [String]
    /// Added to the subprocess environment.
    public var env: [String: String]
    public var transport: String

    public init(
        name: String, command: String, args: [String] = [], env: [String: String] = [:], transport: String = "stdio"
    ) {
        self.name = name
        self.command = command
        self.args = args
        self.env = env
        self.transport = transport
    }

    init(reading table: ConfigTableReader) throws(ConfigError) {
        self.init(name: try table.requiredString("name"), command: try table.requiredString("command"))
        if let value = try table.strings("args") { args = value }
        if let value = try table.stringMap("env") { env = value }
        if let value = try table.string("transport") { transport = value }
    }
}
