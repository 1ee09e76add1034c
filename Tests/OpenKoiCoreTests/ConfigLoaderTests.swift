import FoundationEssentials
import OpenKoiCore
import Testing

/// Finding the config file, reading it, and the environment overrides on top.
struct ConfigLoaderTests {
    /// A fresh directory per test, removed afterwards.
    private final class Scratch {
        let path: String

        init() throws {
            path =
                FileManager.default.temporaryDirectory.path(percentEncoded: false)
                + "/openkoi-config-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }

        func write(_ name: String, _ text: String) throws -> String {
            let file = path + "/" + name
            try Data(text.utf8).write(to: URL(fileURLWithPath: file))
            return file
        }

        var paths: OpenKoiPaths { OpenKoiPaths(configDir: path, dataDir: path + "/data") }

        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    @Test func missingDefaultFileMeansDefaults() throws {
        let scratch = try Scratch()
        let loaded = try ConfigLoader.load(explicitPath: nil, paths: scratch.paths, environment: [:])
        #expect(loaded == LoadedConfig(config: OpenKoiConfig(), sourcePath: nil, warnings: []))
    }

    @Test func defaultFileIsRead() throws {
        let scratch = try Scratch()
        let file = try scratch.write("config.toml", "[iteration]\nmax_iterations = 9\nbogus = 1\n")
        let loaded = try ConfigLoader.load(explicitPath: nil, paths: scratch.paths, environment: [:])
        #expect(loaded.sourcePath == file)
        #expect(loaded.config.iteration.maxIterations == 9)
        #expect(loaded.warnings.map(\.description) == ["\(file):3: warning: unknown key 'iteration.bogus', ignored"])
    }

    @Test func explicitPathMustExist() throws {
        let scratch = try Scratch()
        let missing = scratch.path + "/nope.toml"
        let error = #expect(throws: ConfigError.self) {
            try ConfigLoader.load(explicitPath: missing, paths: scratch.paths, environment: [:])
        }
        #expect(error?.description == "config file not found: \(missing) (from --config)")
        #expect(error?.file == missing)
    }

    @Test func explicitPathWinsOverTheDefault() throws {
        let scratch = try Scratch()
        _ = try scratch.write("config.toml", "[iteration]\nmax_iterations = 1\n")
        let other = try scratch.write("other.toml", "[iteration]\nmax_iterations = 2\n")
        let loaded = try ConfigLoader.load(explicitPath: other, paths: scratch.paths, environment: [:])
        #expect(loaded.config.iteration.maxIterations == 2)
        #expect(loaded.sourcePath == other)
    }

    @Test func openkoiConfigPointingNowhereIsAnError() throws {
        let scratch = try Scratch()
        let missing = scratch.path + "/missing.toml"
        let environment = ["HOME": scratch.path, "OPENKOI_CONFIG": missing]
        let error = #expect(throws: ConfigError.self) {
            try ConfigLoader.load(
                explicitPath: nil, paths: OpenKoiPaths(environment: environment), environment: environment)
        }
        #expect(error?.description == "config file not found: \(missing) (from OPENKOI_CONFIG)")
    }

    @Test func openkoiConfigIsRead() throws {
        let scratch = try Scratch()
        let file = try scratch.write("elsewhere.toml", "[api]\nport = 8000\n")
        let environment = ["HOME": scratch.path, "OPENKOI_CONFIG": file]
        let loaded = try ConfigLoader.load(
            explicitPath: nil, paths: OpenKoiPaths(environment: environment), environment: environment)
        #expect(loaded.config.api.port == 8000)
        #expect(loaded.sourcePath == file)
    }

    @Test func errorsInTheFileNameIt() throws {
        let scratch = try Scratch()
        let file = try scratch.write("config.toml", "[safety]\n\nmax_cost_usd = \"lots\"\n")
        let error = #expect(throws: ConfigError.self) {
            try ConfigLoader.load(explicitPath: nil, paths: scratch.paths, environment: [:])
        }
        #expect(error?.description == "\(file):3: [safety] max_cost_usd: expected a number, got string")

        let broken = try scratch.write("broken.toml", "a = [1,\n")
        let syntax = #expect(throws: ConfigError.self) {
            try ConfigLoader.load(explicitPath: broken, paths: scratch.paths, environment: [:])
        }
        #expect(syntax?.description == "\(broken):2:1: unterminated array (opened on line 1)")
    }

    @Test func invalidUTF8AndDirectoriesAreReported() throws {
        let scratch = try Scratch()
        let file = scratch.path + "/latin1.toml"
        try Data([0x61, 0x20, 0x3D, 0x20, 0x22, 0xE9, 0x22]).write(to: URL(fileURLWithPath: file))
        let error = #expect(throws: ConfigError.self) {
            try ConfigLoader.load(explicitPath: file, paths: scratch.paths, environment: [:])
        }
        #expect(error?.description == "cannot read config file \(file): it is not valid UTF-8")

        let directory = #expect(throws: ConfigError.self) {
            try ConfigLoader.load(explicitPath: scratch.path, paths: scratch.paths, environment: [:])
        }
        #expect(directory?.description.hasPrefix("cannot read config file \(scratch.path)") == true)
    }

    // MARK: Environment

    @Test func environmentOverridesTheFile() throws {
        let scratch = try Scratch()
        _ = try scratch.write("config.toml", "log_level = \"info\"\n[models]\nexecutor = \"openai/gpt-4o\"\n")
        let environment = ["OPENKOI_MODEL": "anthropic/claude-sonnet-4-5", "OPENKOI_LOG_LEVEL": "trace"]
        let loaded = try ConfigLoader.load(explicitPath: nil, paths: scratch.paths, environment: environment)
        #expect(loaded.config.models.executor == "anthropic/claude-sonnet-4-5")
        #expect(loaded.config.logLevel == .trace)

        let fileOnly = try ConfigLoader.load(explicitPath: nil, paths: scratch.paths, environment: [:])
        #expect(fileOnly.config.models.executor == "openai/gpt-4o")
        #expect(fileOnly.config.logLevel == .info)
    }

    @Test func environmentOverridesDefaultsWithoutAFile() throws {
        let scratch = try Scratch()
        let loaded = try ConfigLoader.load(
            explicitPath: nil, paths: scratch.paths,
            environment: ["OPENKOI_MODEL": "ollama/llama3", "OPENKOI_LOG_LEVEL": "Debug"])
        #expect(loaded.sourcePath == nil)
        #expect(loaded.config.models.executor == "ollama/llama3")
        #expect(loaded.config.logLevel == .debug)
    }

    @Test func emptyVariablesCountAsUnset() throws {
        var config = OpenKoiConfig()
        config.models.executor = "a/b"
        try ConfigLoader.applyEnvironment(["OPENKOI_MODEL": "", "OPENKOI_LOG_LEVEL": ""], to: &config)
        #expect(config.models.executor == "a/b")
        #expect(config.logLevel == .warn)
    }

    @Test func invalidLogLevelNamesTheVariable() {
        var config = OpenKoiConfig()
        let error = #expect(throws: ConfigError.self) {
            try ConfigLoader.applyEnvironment(["OPENKOI_LOG_LEVEL": "loud"], to: &config)
        }
        #expect(
            error?.description
                == "OPENKOI_LOG_LEVEL: 'loud' is not a log level (expected one of error, warn, info, debug, trace)")
    }
}
