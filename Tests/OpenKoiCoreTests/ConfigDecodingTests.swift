import OpenKoiCore
import Testing

/// Decoding `config.toml` into `OpenKoiConfig`: defaults, partial tables, type and range errors, warnings.
struct ConfigDecodingTests {
    private let file = "/home/me/.openkoi/config.toml"

    private func load(_ text: String) throws -> LoadedConfig {
        try ConfigLoader.parse(text, file: file)
    }

    private func failure(_ text: String) -> ConfigError? {
        #expect(throws: ConfigError.self) { try ConfigLoader.parse(text, file: file) }
    }

    @Test func emptyFileGivesDefaults() throws {
        let loaded = try load("")
        #expect(loaded.config == OpenKoiConfig())
        #expect(loaded.warnings.isEmpty)
        #expect(loaded.sourcePath == file)
    }

    @Test func defaultsMatchTheReference() {
        let config = OpenKoiConfig()
        #expect(config.models.embedder == nil)  // the offline embedder, not the original's OpenAI default
        #expect(config.models.executor == nil)
        #expect(
            config.iteration
                == IterationConfig(
                    maxIterations: 3, qualityThreshold: 0.8, improvementThreshold: 0.05, timeoutSeconds: 300,
                    tokenBudget: 200_000, skipEvalConfidence: 0.95))
        #expect(config.safety.maxCostUSD == 2.0)
        #expect(config.safety.abortOnRegression)
        #expect(config.safety.regressionThreshold == 0.2)
        #expect(config.safety.toolLoop == ToolLoopConfig(warning: 10, critical: 20, circuitBreaker: 30))
        #expect(config.evaluation == EvaluationConfig(testCommand: nil, testTimeoutSeconds: 120, runTests: true))
        #expect(config.tools == ToolsConfig(allowCommands: [], commandTimeoutSeconds: 120))
        #expect(config.pipeline == PipelineConfig(planners: 2, executors: 4, evaluators: 4, maxInFlight: 16))
        #expect(
            config.patterns
                == PatternsConfig(
                    enabled: true, mineIntervalHours: 24, minConfidence: 0.7, minSamples: 3, autoPropose: true))
        #expect(config.memory == MemoryConfig(compaction: true, learningDecayRate: 0.05, maxStorageMB: 500))
        #expect(config.daemon.autoExecute)
        #expect(config.api.enabled && config.api.port == 9742 && config.api.token == nil)
        #expect(config.logLevel == .warn)
    }

    @Test func partialTablesKeepDefaultsForMissingKeys() throws {
        let config = try load(
            """
            [iteration]
            max_iterations = 5
            [safety.tool_loop]
            critical = 12
            [patterns]
            enabled = false
            [memory]
            max_storage_mb = 100
            [models]
            executor = "anthropic/claude-sonnet-4-5"
            """
        ).config
        #expect(config.iteration == IterationConfig(maxIterations: 5))
        #expect(config.safety == SafetyConfig(toolLoop: ToolLoopConfig(critical: 12)))
        #expect(config.patterns == PatternsConfig(enabled: false))
        #expect(config.memory == MemoryConfig(maxStorageMB: 100))
        #expect(config.models.executor == "anthropic/claude-sonnet-4-5")
        #expect(config.models.embedder == nil)  // unset: the offline embedder
    }

    @Test func integersAreAcceptedWhereFloatsAreExpected() throws {
        let config = try load("[iteration]\nquality_threshold = 1\ntimeout_seconds = 60\n[safety]\nmax_cost_usd = 5")
            .config
        #expect(config.iteration.qualityThreshold == 1.0)
        #expect(config.iteration.timeoutSeconds == 60)
        #expect(config.safety.maxCostUSD == 5)
    }

    @Test func wrongTypeNamesFileLineTableAndKey() {
        let error = failure("[iteration]\nquality_threshold = 0.9\nmax_iterations = \"five\"\n")
        #expect(error?.description == "\(file):3: [iteration] max_iterations: expected an integer, got string")
        #expect(error?.file == file)
        #expect(error?.line == 3)
    }

    @Test(arguments: [
        ("[iteration]\nmax_iterations = 2.5", "2: [iteration] max_iterations: expected an integer, got float"),
        ("[safety]\nabort_on_regression = \"yes\"", "2: [safety] abort_on_regression: expected a boolean, got string"),
        ("[safety.tool_loop]\n\nwarning = true", "3: [safety.tool_loop] warning: expected an integer, got boolean"),
        ("[models]\nexecutor = 1", "2: [models] executor: expected a string, got integer"),
        (
            "[models.fallback]\nexecutor = [\"a\", 2]",
            "2: [models.fallback] executor[1]: expected a string, got integer"
        ),
        ("[tools]\nallow_commands = \"git\"", "2: [tools] allow_commands: expected an array of strings, got string"),
        ("iteration = 3", "1: iteration: expected a table, got integer"),
        ("[api]\nwebhooks = \"x\"", "2: [api] webhooks: expected a table, got string"),
        (
            "[iteration]\ntimeout_seconds = 1979-05-27",
            "2: [iteration] timeout_seconds: expected a number, got datetime"
        ),
        (
            "[[plugins.mcp]]\nname = \"fs\"\ncommand = \"mcp-fs\"\nenv = { PATH = 1 }",
            "4: [[plugins.mcp]] #1 env.PATH: expected a string, got integer"
        ),
        ("log_level = \"loud\"", "1: log_level: expected one of error, warn, info, debug, trace, got 'loud'"),
    ])
    func typeErrors(source: String, expected: String) {
        #expect(failure(source)?.description == "\(file):\(expected)")
    }

    @Test(arguments: [
        ("[iteration]\nquality_threshold = 1.5", "2: [iteration] quality_threshold: must be between 0 and 1, got 1.5"),
        (
            "[iteration]\nimprovement_threshold = -0.1",
            "2: [iteration] improvement_threshold: must be between 0 and 1, got -0.1"
        ),
        ("[iteration]\nmax_iterations = -1", "2: [iteration] max_iterations: must be at least 0, got -1"),
        ("[iteration]\ntoken_budget = -5", "2: [iteration] token_budget: must be at least 0, got -5"),
        ("[iteration]\ntimeout_seconds = nan", "2: [iteration] timeout_seconds: must be at least 0, got nan"),
        ("[safety]\nmax_cost_usd = -1", "2: [safety] max_cost_usd: must be at least 0, got -1"),
        ("[safety]\nmax_cost_usd = inf", "2: [safety] max_cost_usd: must be at least 0, got inf"),
        ("[safety]\nregression_threshold = 2", "2: [safety] regression_threshold: must be between 0 and 1, got 2"),
        ("[pipeline]\nexecutors = 0", "2: [pipeline] executors: must be between 1 and 256, got 0"),
        ("[api]\nport = 70000", "2: [api] port: must be between 0 and 65535, got 70000"),
        ("[patterns]\nmin_confidence = 7", "2: [patterns] min_confidence: must be between 0 and 1, got 7"),
        ("[memory]\nlearning_decay_rate = 1.01", "2: [memory] learning_decay_rate: must be between 0 and 1, got 1.01"),
    ])
    func rangeErrors(source: String, expected: String) {
        #expect(failure(source)?.description == "\(file):\(expected)")
    }

    @Test func missingRequiredKeysNameTheTable() throws {
        #expect(
            failure("\n[providers.myhost]\napi_key_env = \"KEY\"")?.description
                == "\(file):2: [providers.myhost]: missing required key 'base_url'")
        // A built-in provider's table may set options alone; `kind` names a known wire format.
        #expect(
            try load("[providers.together]\napi_key_env = \"KEY\"").config.providers["together"]?.apiKeyEnv == "KEY")
        #expect(
            failure("[providers.h]\nbase_url = \"http://h\"\nkind = \"soap\"")?.description
                == "\(file):3: [providers.h] kind: expected one of openai, anthropic, ollama, gemini, bedrock, "
                + "openai-responses, got 'soap'")
        #expect(
            failure("[[plugins.mcp]]\nname = \"a\"\ncommand = \"a\"\n\n[[plugins.mcp]]\nname = \"b\"")?.description
                == "\(file):5: [[plugins.mcp]] #2: missing required key 'command'")
        #expect(
            failure("[[plugins.mcp]]\ncommand = \"x\"")?.description
                == "\(file):1: [[plugins.mcp]] #1: missing required key 'name'")
        #expect(
            failure("[integrations.slack]\nchannels = [\"#general\"]")?.description
                == "\(file):1: [integrations.slack]: missing required key 'enabled'")
    }

    @Test func unknownKeysAndTablesWarnWithLineAndPath() throws {
        let loaded = try load(
            """
            default_model = "openai/gpt-4o"
            [iteration]
            max_iteratons = 4
            [safety.tool_loop]
            warn = 5
            [telemetry]
            enabled = true
            """)
        #expect(loaded.config == OpenKoiConfig())
        #expect(
            loaded.warnings.map(\.keyPath) == [
                "iteration.max_iteratons", "safety.tool_loop.warn", "default_model", "telemetry",
            ])
        #expect(loaded.warnings.map(\.line) == [3, 5, 1, 6])
        #expect(loaded.warnings.allSatisfy { $0.file == file })
        #expect(
            loaded.warnings[0].description
                == "\(file):3: warning: unknown key 'iteration.max_iteratons', ignored (did you mean 'max_iterations'?)"
        )
        #expect(loaded.warnings[1].message == "unknown key 'safety.tool_loop.warn', ignored (did you mean 'warning'?)")
        #expect(loaded.warnings[3].message == "unknown table [telemetry], ignored")
    }

    @Test func providersIntegrationsAndPlugins() throws {
        let loaded = try load(
            """
            [providers.local]
            base_url = "http://localhost:8080/v1"
            [providers.together]
            base_url = "https://api.together.xyz/v1"
            api_key_env = "TOGETHER_API_KEY"
            default_model = "meta-llama/Llama-3-70b"
            models = ["meta-llama/Llama-3-70b", "mistral"]
            display_name = "Together AI"

            [integrations.slack]
            enabled = true
            channels = ["#eng"]
            [integrations.msoffice]
            enabled = false
            base_dir = "~/Docs"
            [integrations.slak]
            enabled = true

            [plugins]
            wasm = ["a.wasm"]
            [[plugins.mcp]]
            name = "github"
            command = "npx"
            args = ["-y", "@modelcontextprotocol/server-github"]
            env = { GITHUB_TOKEN = "t" }
            """)
        let config = loaded.config
        #expect(config.providers["local"] == ProviderConfig(baseURL: "http://localhost:8080/v1"))
        #expect(config.providers["local"]?.defaultModel == "auto")
        #expect(
            config.providers["together"]
                == ProviderConfig(
                    baseURL: "https://api.together.xyz/v1", apiKeyEnv: "TOGETHER_API_KEY",
                    defaultModel: "meta-llama/Llama-3-70b",
                    models: ["meta-llama/Llama-3-70b", "mistral"], displayName: "Together AI"))
        #expect(config.integrations["slack"] == IntegrationConfig(enabled: true, channels: ["#eng"]))
        #expect(config.integrations["msoffice"] == IntegrationConfig(enabled: false, baseDir: "~/Docs"))
        #expect(config.integrations["slak"]?.enabled == true)
        #expect(loaded.warnings.map(\.keyPath) == ["integrations.slak", "plugins", "integrations"])
        #expect(loaded.warnings.first?.line == 16)
        #expect(
            config.plugins
                == PluginsConfig(
                    wasm: ["a.wasm"],
                    mcp: [
                        MCPServerConfig(
                            name: "github", command: "npx", args: ["-y", "@modelcontextprotocol/server-github"],
                            env: ["GITHUB_TOKEN": "t"])
                    ]))
    }

    @Test func inlineAndDottedFormsDecodeLikeTables() throws {
        let config = try load(
            """
            iteration = { max_iterations = 7 }
            safety.tool_loop.warning = 3
            plugins.mcp = [{ name = "fs", command = "mcp-fs" }]
            """
        ).config
        #expect(config.iteration.maxIterations == 7)
        #expect(config.safety.toolLoop.warning == 3)
        #expect(config.plugins.mcp == [MCPServerConfig(name: "fs", command: "mcp-fs")])
    }

    @Test func logLevelFromFile() throws {
        #expect(try load("log_level = \"DEBUG\"").config.logLevel == .debug)
        #expect(try load("log_level = \"warning\"").config.logLevel == .warn)
        #expect(LogLevel.error < LogLevel.trace)
    }

    @Test func syntaxErrorsCarryTheFile() {
        let error = failure("[iteration\nmax_iterations = 3")
        #expect(error?.description == "\(file):1:11: expected ']' to close the table header, found end of line")
        #expect(error?.line == 1)
    }
}
