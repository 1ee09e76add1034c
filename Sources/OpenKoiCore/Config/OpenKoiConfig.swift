/// Everything `config.toml` can say, with defaults for whatever it does not.
///
/// Every table is optional and so is every key in it (except the few identities noted on their
/// types, like a provider's `base_url`): a partial table keeps the defaults for the keys it leaves out.
public struct OpenKoiConfig: Sendable, Equatable {
    public var models: ModelsConfig
    public var iteration: IterationConfig
    public var safety: SafetyConfig
    public var evaluation: EvaluationConfig
    public var tools: ToolsConfig
    public var pipeline: PipelineConfig
    public var retry: RetryConfig = RetryConfig()
    public var patterns: PatternsConfig
    public var memory: MemoryConfig
    public var plugins: PluginsConfig
    /// Keyed by integration name (`slack`, `msoffice`, …).
    public var integrations: [String: IntegrationConfig]
    /// Keyed by provider id, as used in `provider/model`.
    public var providers: [String: ProviderConfig]
    public var daemon: DaemonConfig
    public var api: APIConfig
    /// Top-level `log_level`, overridden by `OPENKOI_LOG_LEVEL`.
    public var logLevel: LogLevel

    public init(
        models: ModelsConfig = ModelsConfig(), iteration: IterationConfig = IterationConfig(),
        safety: SafetyConfig = SafetyConfig(), evaluation: EvaluationConfig = EvaluationConfig(),
        tools: ToolsConfig = ToolsConfig(), pipeline: PipelineConfig = PipelineConfig(),
        patterns: PatternsConfig = PatternsConfig(), memory: MemoryConfig = MemoryConfig(),
        plugins: PluginsConfig = PluginsConfig(), integrations: [String: IntegrationConfig] = [:],
        providers: [String: ProviderConfig] = [:], daemon: DaemonConfig = DaemonConfig(), api: APIConfig = APIConfig(),
        logLevel: LogLevel = .warn
    ) {
        self.models = models
        self.iteration = iteration
        self.safety = safety
        self.evaluation = evaluation
        self.tools = tools
        self.pipeline = pipeline
        self.patterns = patterns
        self.memory = memory
        self.plugins = plugins
        self.integrations = integrations
        self.providers = providers
        self.daemon = daemon
        self.api = api
        self.logLevel = logLevel
    }

    /// Decodes a parsed document.
    ///
    /// - Parameters:
    ///   - document: the root table of `config.toml`.
    ///   - file: the path used in messages.
    /// - Returns: the config and a warning for every key or table it ignored.
    /// - Throws: `ConfigError` naming the file, line, table and key of the first invalid value.
    public static func decode(_ document: TOMLTable, file: String) throws(ConfigError) -> (
        config: OpenKoiConfig, warnings: [ConfigWarning]
    ) {
        let warnings = ConfigTableReader.Warnings()
        let root = ConfigTableReader(table: document, file: file, path: [], displayName: "", warnings: warnings)
        var config = OpenKoiConfig()
        if let value = try root.section("models", ModelsConfig.init(reading:)) { config.models = value }
        if let value = try root.section("iteration", IterationConfig.init(reading:)) { config.iteration = value }
        if let value = try root.section("safety", SafetyConfig.init(reading:)) { config.safety = value }
        if let value = try root.section("evaluation", EvaluationConfig.init(reading:)) { config.evaluation = value }
        if let value = try root.section("tools", ToolsConfig.init(reading:)) { config.tools = value }
        if let value = try root.section("pipeline", PipelineConfig.init(reading:)) { config.pipeline = value }
        if let value = try root.section("retry", RetryConfig.init(reading:)) { config.retry = value }
        if let value = try root.section("patterns", PatternsConfig.init(reading:)) { config.patterns = value }
        if let value = try root.section("memory", MemoryConfig.init(reading:)) { config.memory = value }
        if let value = try root.section("plugins", PluginsConfig.init(reading:)) { config.plugins = value }
        let integrations = try root.sectionMap("integrations") { (name, table) throws(ConfigError) in
            if !IntegrationConfig.knownNames.contains(name) {
                table.warnAboutTable(
                    "unknown integration [\(TOMLParser.dotted(["integrations", name]))], loaded anyway")
            }
            return try IntegrationConfig(reading: table)
        }
        if let integrations { config.integrations = integrations }
        let providers = try root.sectionMap("providers") { (id, table) throws(ConfigError) in
            try ProviderConfig(reading: table, id: id)
        }
        if let providers { config.providers = providers }
        if let value = try root.section("daemon", DaemonConfig.init(reading:)) { config.daemon = value }
        if let value = try root.section("api", APIConfig.init(reading:)) { config.api = value }
        if let name = try root.string("log_level") {
            guard let level = LogLevel(name: name) else {
                throw root.invalid("log_level", "expected one of \(LogLevel.choices), got '\(name)'")
            }
            config.logLevel = level
        }
        root.reportUnknownKeys()
        warnings.items += notYetSupported(in: document, file: file)
        return (config, warnings.items)
    }

    /// Tables and keys kept for the original's config files whose features have not landed yet. A
    /// config that sets one is told, once, that it has no effect (rather than silently ignored); each
    /// feature removes its entry when it lands.
    static let unsupported: [[String]] = [
        ["memory", "compaction"],
        ["plugins"], ["integrations"],
    ]

    static func notYetSupported(in document: TOMLTable, file: String) -> [ConfigWarning] {
        unsupported.compactMap { path -> ConfigWarning? in
            var table = document
            for key in path.dropLast() {
                guard let inner = table[key]?.tableValue else { return nil }
                table = inner
            }
            guard let last = path.last, let value = table[last] else { return nil }
            let dotted = TOMLParser.dotted(path)
            let name = value.tableValue != nil ? "[\(dotted)]" : "'\(dotted)'"
            return ConfigWarning(
                file: file, line: table.line(of: last) ?? table.line, keyPath: dotted,
                message: "\(name) is not supported yet; its settings have no effect")
        }
    }
}
