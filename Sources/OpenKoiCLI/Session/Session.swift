import ArgumentParser
import FoundationEssentials
import OpenKoiCore
import OpenKoiProviders
import OpenKoiSkills
import OpenKoiTools

/// Everything a command that runs tasks needs, assembled once from flags, environment and config
/// (precedence: flags > environment > config > defaults).
struct Session {
    let paths: OpenKoiPaths
    let config: OpenKoiConfig
    let console: Console
    let environment: [String: String]
    private(set) var workspace: String
    let options: RunOverrides

    /// Loads the config and reports its warnings; a bad config is a `CLIError` naming file and line.
    /// - Parameter quiet: only errors reach stderr (`--quiet` prints the result and nothing else).
    init(
        options: RunOverrides, quiet: Bool = false, environment: [String: String] = ProcessInfo.processInfo.environment
    )
        throws
    {
        let paths = OpenKoiPaths(environment: environment)
        let loaded: LoadedConfig
        do {
            loaded = try ConfigLoader.load(explicitPath: options.config, paths: paths, environment: environment)
        } catch {
            throw CLIError(String(describing: error))
        }
        // Config warnings show even with --quiet: they are about the user's file, not the run's chatter.
        for warning in loaded.warnings {
            Console(level: loaded.config.logLevel).warning("\(warning.file):\(warning.line): \(warning.message)")
        }
        console = Console(level: quiet ? .error : loaded.config.logLevel)
        self.paths = paths
        config = loaded.config
        self.environment = environment
        self.options = options
        workspace = options.workspace ?? FileManager.default.currentDirectoryPath
    }

    /// The task policy: config values overridden by flags.
    func policy() -> TaskPolicy {
        let iteration = config.iteration
        let safety = config.safety
        var policy = TaskPolicy(
            maxIterations: iteration.maxIterations, qualityThreshold: iteration.qualityThreshold,
            improvementThreshold: iteration.improvementThreshold, tokenBudget: iteration.tokenBudget,
            maxCostUSD: safety.maxCostUSD, timeoutSeconds: iteration.timeoutSeconds,
            abortOnRegression: safety.abortOnRegression, regressionThreshold: safety.regressionThreshold,
            toolLoop: ToolLoopLimits(
                warning: safety.toolLoop.warning, critical: safety.toolLoop.critical,
                circuitBreaker: safety.toolLoop.circuitBreaker),
            skipEvalConfidence: iteration.skipEvalConfidence)
        // The flags' ranges were checked by `TaskOptions.validate()`.
        if let value = options.iterate { policy.maxIterations = value }
        if let value = options.quality { policy.qualityThreshold = value }
        if let value = options.budget { policy.maxCostUSD = value }
        if let value = options.budgetTokens { policy.tokenBudget = value }
        if let value = options.timeout { policy.timeoutSeconds = value }
        return policy
    }

    /// Stage services: model routing, built-in tools, the workspace's files, rubrics and its tests.
    /// - Parameter channel: recorded with each task in memory (`cli`, `batch`, `daemon`).
    func services(events: any EventSink, channel: String = "cli") -> PipelineServices {
        let resolver = startingResolver()
        let router = modelRouter(resolver: resolver, executor: options.model ?? config.models.executor, events: events)
        let library = skillLibrary()
        let catalog = EvaluatorCatalog(library: library, workspaceFiles: topLevelFiles())
        var services = workspaceServices(router: router, events: events, library: library, catalog: catalog)
        services.memory = memory(channel: channel, resolver: resolver, library: library, catalog: catalog)
        return services
    }

    /// The services for this session's workspace on `router`, with no memory (bench trials: each
    /// starts from nothing, so earlier trials cannot teach later ones).
    /// - Parameter announce: say the sandbox's and soul's warnings (once per run, not per trial).
    func workspaceServices(
        router: any ModelRouter, events: any EventSink, library: SkillLibrary, catalog: EvaluatorCatalog,
        announce: Bool = true
    ) -> PipelineServices {
        let commands = CommandPolicy(assumeYes: options.yes, allowedPrefixes: config.tools.allowCommands)
        let sandbox = commandSandbox()
        // Said once per run; each refused command or test run then repeats the reason to the model.
        if announce, let reason = sandbox.unavailableReason { console.warning(reason) }
        let tools = BuiltinToolBox(
            workspace: workspace, toolOutputDir: paths.toolOutputDir, policy: commands,
            commandTimeout: config.tools.commandTimeoutSeconds, sandbox: sandbox)
        let tests = TestCommandCheck(
            workspace: workspace, configuredCommand: config.evaluation.testCommand,
            timeout: config.evaluation.testTimeoutSeconds, enabled: config.evaluation.runTests, policy: commands,
            sandbox: sandbox)
        let soul = Soul.load(workspace: workspace, paths: paths)
        if announce { for warning in soul.warnings { console.warning(warning) } }
        return PipelineServices(
            router: router, tools: tools, workspace: WorkspaceFileStore(workspace: workspace),
            rubrics: catalog,
            objectiveCheck: WorkspaceCheck(workspace: workspace, tests: tests), events: events,
            identity: soul.text, identityIsDefault: soul.source == .bundled,
            toolStyles: ToolStyleRegistry(configured: toolCallStyles()))
    }

    /// This session with another workspace (a bench trial's copy of its task's files).
    func with(workspace: String) -> Session {
        var copy = self
        copy.workspace = workspace
        return copy
    }

    /// Skills from every source, higher precedence replacing lower; a malformed SKILL.md is named and skipped.
    func skillLibrary() -> SkillLibrary {
        let library = SkillLibrary.load(paths: paths, workspace: workspace, environment: environment)
        for warning in library.warnings { console.warning("skipped \(warning.description)") }
        return library
    }

    /// The workspace's top-level names: evidence for the task's category ("make it faster" among .py files is code).
    func topLevelFiles() -> [String] {
        Array(((try? FileManager.default.contentsOfDirectory(atPath: workspace)) ?? []).sorted().prefix(200))
    }

    /// Discovery that starts the bundled local model when it is installed but not running.
    func startingResolver() -> ProviderResolver {
        let launcher = LocalModelLauncher(
            paths: paths, environment: environment,
            localBaseURL: environment["OPENKOI_LOCAL_BASE_URL"] ?? ProviderResolver.defaultLocalBaseURL,
            announce: console.level >= .warn)
        return providerResolver(localStarter: { await launcher.start() })
    }

    /// Model roles from the config, with `executor` as the executor (flags or a command's own `-m`).
    func modelRouter(resolver: ProviderResolver, executor: String?, events: any EventSink) -> SessionModelRouter {
        SessionModelRouter(
            resolver: resolver, models: config.models, executor: executor, retry: config.retry, console: console,
            events: events, localProviders: PricingTable.localProviders.union(config.localProviderIDs))
    }

    /// Discovery over this machine's credentials, the config's `[providers.*]` tables and the model cache.
    func providerResolver(probeTimeout: Double = 1, localStarter: (@Sendable () async -> Bool)? = nil)
        -> ProviderResolver
    {
        ProviderResolver(
            environment: environment, customProviders: config.providerSpecs,
            credentials: CredentialFinder(environment: environment, paths: paths), transport: CurlTransport(),
            probeTimeout: probeTimeout, modelCache: ModelListCache(directory: paths.cacheDir),
            logins: loginServices, localStarter: localStarter)
    }

    var loginServices: LoginServices {
        LoginServices(
            store: AuthStore(path: paths.authFile),
            openAIAuthBaseURL: environment["OPENKOI_OPENAI_AUTH_URL"].flatMap { $0.isEmpty ? nil : $0 })
    }

    /// The sandbox for model-written commands: `--sandbox` over `[tools] sandbox`; openkoi's own
    /// config and data directories stay hidden inside it.
    func commandSandbox() -> CommandSandbox {
        let mode = options.sandbox.flatMap(SandboxMode.init(rawValue:)) ?? config.tools.sandbox
        return CommandSandbox(
            mode: mode, allowsNetwork: config.tools.sandboxNetwork, passedVariables: config.tools.sandboxEnvironment,
            hiddenPaths: [paths.configDir, paths.dataDir], environment: environment)
    }

    /// Tool-calling styles by provider: Anthropic and OpenAI call tools natively; the bundled
    /// llama.cpp server's chat template has none (its models write calls and edits as text);
    /// `[providers.<id>] tool_calls` overrides either. Other providers are learned per model.
    func toolCallStyles() -> [String: ToolCallStyle] {
        var styles: [String: ToolCallStyle] = ["anthropic": .native, "openai": .native, "local": .text]
        for (id, provider) in config.providers {
            if let style = provider.toolCalls { styles[id] = style }
        }
        return styles
    }

    /// `[pipeline]` from the config; `--concurrency` (batch) overrides every stage with one number.
    func pipelineConfiguration(concurrency: Int? = nil) -> PipelineConfiguration {
        if let concurrency { return .forConcurrency(concurrency) }
        let p = config.pipeline
        return PipelineConfiguration(
            planners: p.planners, executors: p.executors, evaluators: p.evaluators, maxInFlight: p.maxInFlight)
    }

    func stateRecorder(tracksCurrentTask: Bool) -> TaskStateRecorder {
        let console = self.console
        return TaskStateRecorder(
            files: TaskStateFiles(stateDirectory: paths.stateDir), tracksCurrentTask: tracksCurrentTask,
            onError: { console.warning("state file: \($0)") })
    }
}

extension OpenKoiConfig {
    /// `[providers.<id>]` tables with `local = true`: servers on this machine, priced at $0.
    var localProviderIDs: Set<String> { Set(providers.filter(\.value.local).keys) }

    /// The `[providers.<id>]` tables as discovery reads them, in id order.
    var providerSpecs: [CustomProviderSpec] {
        providers.sorted { $0.key < $1.key }.map { id, table in
            CustomProviderSpec(
                id: id, baseURL: table.baseURL, apiKeyEnv: table.apiKeyEnv,
                defaultModel: table.defaultModel == "auto" ? nil : table.defaultModel,
                kind: table.kind.flatMap(WireFormat.init(rawValue:)), displayName: table.displayName,
                models: table.models)
        }
    }
}

/// Runs `body`, turning a `CLIError` into an `error: …` line on stderr and its exit code.
func reportingCLIErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as CLIError {
        StandardStreams.err("error: \(TerminalText.escaped(error.description))\n")
        throw ExitCode(error.code)
    }
}

/// A failure to report as `error: <message>` with exit code 1 (or `code`).
struct CLIError: Error, CustomStringConvertible {
    var description: String
    var code: Int32
    init(_ message: String, code: Int32 = 1) {
        description = message
        self.code = code
    }
}
