import OpenKoiCore
import Testing

/// A complete config in the reference's layout decodes to exactly the expected struct.
struct ConfigSampleTests {
    static let sample = """
        # ~/.openkoi/config.toml

        [models]
        executor = "anthropic/claude-sonnet-4-5"
        evaluator = "openai/gpt-4o"
        planner = "anthropic/claude-opus-4"
        embedder = "ollama/nomic-embed-text"
        small_model = "anthropic/claude-haiku-4-5"

        [models.fallback]
        executor = ["openai/gpt-4o", "ollama/llama3.1"]

        [iteration]
        max_iterations = 4
        quality_threshold = 0.85
        improvement_threshold = 0.02
        timeout_seconds = 600
        token_budget = 150_000
        skip_eval_confidence = 0.9

        [safety]
        max_cost_usd = 5.0
        abort_on_regression = false
        regression_threshold = 0.15

        [safety.tool_loop]
        warning = 8
        critical = 16
        circuit_breaker = 24

        [evaluation]
        test_command = "swift test"
        test_timeout_seconds = 300
        run_tests = false

        [tools]
        allow_commands = ["swift build", "git status"]
        command_timeout_seconds = 45.5

        [pipeline]
        planners = 1
        executors = 8
        evaluators = 6
        max_in_flight = 32

        [patterns]
        enabled = true
        mine_interval_hours = 12
        min_confidence = 0.8
        min_samples = 5
        auto_propose = false

        [memory]
        compaction = false
        learning_decay_rate = 0.1
        max_storage_mb = 1024

        [plugins]
        wasm = ["~/.openkoi/plugins/wasm/lint.wasm"]
        scripts = ["~/.openkoi/plugins/scripts/notify.rhai"]

        [[plugins.mcp]]
        name = "github"
        command = "npx"
        args = ["-y", "@modelcontextprotocol/server-github"]
        env = { GITHUB_TOKEN = "ghp_x" }

        [[plugins.mcp]]
        name = "filesystem"
        command = "mcp-fs"
        transport = "stdio"

        [integrations.slack]
        enabled = true
        channels = ["#engineering", "#alerts"]

        [integrations.telegram]
        enabled = false

        [integrations.msoffice]
        enabled = true
        base_dir = "/home/me/Documents/work"

        [providers.groq-proxy]
        base_url = "https://proxy.example.com/v1"
        api_key_env = "PROXY_KEY"
        default_model = "llama-3.3-70b"
        models = ["llama-3.3-70b", "mixtral-8x7b"]
        display_name = "Groq proxy"

        [daemon]
        auto_execute = false

        [api]
        enabled = true
        port = 9800
        token = "s3cret"

        [api.webhooks]
        on_task_complete = "https://hooks.example.com/done"
        on_task_failed = "https://hooks.example.com/failed"
        on_budget_warning = "https://hooks.example.com/budget"
        """

    @Test func fullSampleDecodesExactly() throws {
        let loaded = try ConfigLoader.parse(Self.sample, file: "config.toml")
        let expected = OpenKoiConfig(
            models: ModelsConfig(
                executor: "anthropic/claude-sonnet-4-5", evaluator: "openai/gpt-4o", planner: "anthropic/claude-opus-4",
                embedder: "ollama/nomic-embed-text", smallModel: "anthropic/claude-haiku-4-5",
                fallback: ["openai/gpt-4o", "ollama/llama3.1"]),
            iteration: IterationConfig(
                maxIterations: 4, qualityThreshold: 0.85, improvementThreshold: 0.02, timeoutSeconds: 600,
                tokenBudget: 150_000, skipEvalConfidence: 0.9),
            safety: SafetyConfig(
                maxCostUSD: 5.0, abortOnRegression: false, regressionThreshold: 0.15,
                toolLoop: ToolLoopConfig(warning: 8, critical: 16, circuitBreaker: 24)),
            evaluation: EvaluationConfig(testCommand: "swift test", testTimeoutSeconds: 300, runTests: false),
            tools: ToolsConfig(allowCommands: ["swift build", "git status"], commandTimeoutSeconds: 45.5),
            pipeline: PipelineConfig(planners: 1, executors: 8, evaluators: 6, maxInFlight: 32),
            patterns: PatternsConfig(
                enabled: true, mineIntervalHours: 12, minConfidence: 0.8, minSamples: 5, autoPropose: false),
            memory: MemoryConfig(compaction: false, learningDecayRate: 0.1, maxStorageMB: 1024),
            plugins: PluginsConfig(
                wasm: ["~/.openkoi/plugins/wasm/lint.wasm"], scripts: ["~/.openkoi/plugins/scripts/notify.rhai"],
                mcp: [
                    MCPServerConfig(
                        name: "github", command: "npx", args: ["-y", "@modelcontextprotocol/server-github"],
                        env: ["GITHUB_TOKEN": "ghp_x"]),
                    MCPServerConfig(name: "filesystem", command: "mcp-fs"),
                ]),
            integrations: [
                "slack": IntegrationConfig(enabled: true, channels: ["#engineering", "#alerts"]),
                "telegram": IntegrationConfig(enabled: false),
                "msoffice": IntegrationConfig(enabled: true, baseDir: "/home/me/Documents/work"),
            ],
            providers: [
                "groq-proxy": ProviderConfig(
                    baseURL: "https://proxy.example.com/v1", apiKeyEnv: "PROXY_KEY", defaultModel: "llama-3.3-70b",
                    models: ["llama-3.3-70b", "mixtral-8x7b"], displayName: "Groq proxy")
            ],
            daemon: DaemonConfig(autoExecute: false),
            api: APIConfig(
                enabled: true, port: 9800, token: "s3cret",
                webhooks: WebhooksConfig(
                    onTaskComplete: "https://hooks.example.com/done", onTaskFailed: "https://hooks.example.com/failed",
                    onBudgetWarning: "https://hooks.example.com/budget")),
            logLevel: .warn)
        #expect(loaded.config == expected)
        // Only the tables whose features have not landed are pointed out, each once, at its line.
        #expect(
            Set(loaded.warnings.map(\.keyPath)) == [
                "memory.compaction", "plugins", "integrations",
            ], "\(loaded.warnings)")
        #expect(
            loaded.warnings.allSatisfy { $0.message.hasSuffix("is not supported yet; its settings have no effect") })
        #expect(loaded.warnings.first { $0.keyPath == "memory.compaction" }?.line == 54)
    }

    @Test func everySectionOfTheSampleIsTyped() throws {
        // The same keys, one section at a time, each with a wrong type, must each fail on that key's line.
        let lines = Self.sample.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            guard let equals = line.firstIndex(of: "="), !line.hasPrefix("#") else { continue }
            var broken = lines
            broken[index] = line[..<equals] + "= { wrong = 1 }"
            let error = #expect(throws: ConfigError.self, "line \(index + 1): \(line)") {
                try ConfigLoader.parse(broken.joined(separator: "\n"), file: "config.toml")
            }
            #expect(error?.line == index + 1, "\(error?.description ?? "")")
        }
    }
}
