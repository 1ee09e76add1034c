import FoundationEssentials
/// The configuration in force and where it came from.
public struct LoadedConfig: Sendable, Equatable {
    public var config: OpenKoiConfig
    /// The file read, or `nil` when there was none and the defaults apply.
    public var sourcePath: String?
    /// Keys and tables that were ignored; the CLI prints them to stderr.
    public var warnings: [ConfigWarning]

    public init(config: OpenKoiConfig, sourcePath: String?, warnings: [ConfigWarning]) {
        self.config = config
        self.sourcePath = sourcePath
        self.warnings = warnings
    }
}

/// Finds, reads and decodes `config.toml`, then applies environment overrides.
///
/// Precedence is flags > environment > config file > defaults; flags are the CLI's to apply on top.
public enum ConfigLoader {
    /// Loads the configuration for a run.
    ///
    /// - Parameters:
    ///   - explicitPath: the `--config` flag; the file must then exist.
    ///   - paths: resolved directories; `paths.configFile` is used without a flag (and must exist
    ///     when it came from `OPENKOI_CONFIG`, because a variable pointing nowhere is a mistake).
    ///   - environment: the process environment, for `OPENKOI_CONFIG`, `OPENKOI_MODEL`, `OPENKOI_LOG_LEVEL`.
    /// - Throws: `ConfigError` naming the missing file, the file and line of a bad value, or the bad variable.
    public static func load(
        explicitPath: String?, paths: OpenKoiPaths, environment: [String: String]
    ) throws(ConfigError) -> LoadedConfig {
        let path: String
        let required: String?
        if let explicitPath {
            (path, required) = (explicitPath, "--config")
        } else if let variable = environment["OPENKOI_CONFIG"], !variable.isEmpty {
            (path, required) = (paths.configFile, "OPENKOI_CONFIG")
        } else {
            (path, required) = (paths.configFile, nil)
        }

        var loaded: LoadedConfig
        if let text = try read(path, requiredBy: required) {
            loaded = try parse(text, file: path)
        } else {
            loaded = LoadedConfig(config: OpenKoiConfig(), sourcePath: nil, warnings: [])
        }
        try applyEnvironment(environment, to: &loaded.config)
        return loaded
    }

    /// Decodes config text without touching the file system or the environment.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> LoadedConfig {
        let document: TOMLTable
        do {
            document = try TOMLParser.parse(text)
        } catch {
            var located = error
            located.file = file
            throw .syntax(located)
        }
        let (config, warnings) = try OpenKoiConfig.decode(document, file: file)
        return LoadedConfig(config: config, sourcePath: file, warnings: warnings)
    }

    /// Applies `OPENKOI_MODEL` (→ `models.executor`) and `OPENKOI_LOG_LEVEL`; empty values count as unset.
    public static func applyEnvironment(_ environment: [String: String], to config: inout OpenKoiConfig)
        throws(ConfigError)
    {
        if let model = environment["OPENKOI_MODEL"], !model.isEmpty {
            config.models.executor = model
        }
        if let name = environment["OPENKOI_LOG_LEVEL"], !name.isEmpty {
            guard let level = LogLevel(name: name) else {
                throw .environment(
                    "OPENKOI_LOG_LEVEL", "'\(name)' is not a log level (expected one of \(LogLevel.choices))")
            }
            config.logLevel = level
        }
    }

    /// The file's text, or `nil` when it is absent and nobody asked for it by name.
    private static func read(_ path: String, requiredBy origin: String?) throws(ConfigError) -> String? {
        let files = FileManager.default
        guard files.fileExists(atPath: path) else {
            if let origin { throw .fileNotFound(path, origin: origin) }
            return nil
        }
        guard let data = files.contents(atPath: path) else {
            let reason = files.isReadableFile(atPath: path) ? "it is not a regular file" : "permission denied"
            throw .unreadable(path, reason: reason)
        }
        // TOML must be UTF-8; decoding leniently would turn bad bytes into U+FFFD inside keys and values.
        guard let text = String(validating: data, as: UTF8.self) else {
            throw .unreadable(path, reason: "it is not valid UTF-8")
        }
        return text
    }
}
