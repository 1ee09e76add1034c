import ArgumentParser
import OpenKoiCore

/// The `openkoi` command line. `main()` answers `--version` and `--help` before ArgumentParser
/// parses anything: they are the startup paths users and scripts hit most (DESIGN.md §4: ≤ 5 ms).
public enum OpenKoiCommand {
    public static let version = "0.1.0"

    public static func main(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) {
        StandardStreams.guardClosedDescriptors()
        if arguments == ["--version"] || arguments == ["-V"] {
            StandardStreams.out("openkoi \(version)\n")
            exit(0)
        }
        if arguments == ["--help"] || arguments == ["-h"] {
            StandardStreams.out(helpText + "\n")
            exit(0)
        }
        if arguments.first == "status", let flags = Status.fastPath(Array(arguments.dropFirst())) {
            do {
                try Status.show(costs: flags.costs, verbose: flags.verbose, config: flags.config)
                exit(0)
            } catch let code as ExitCode {
                exit(code.rawValue)
            } catch {
                StandardStreams.err("error: \(error)\n")
                exit(1)
            }
        }
        OpenKoi.main(arguments)
    }
}

struct OpenKoi: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openkoi",
        abstract: "Self-iterating AI agent: plan, execute, evaluate, refine until the quality bar is met.",
        discussion: """
            Examples:
              openkoi "What is the capital of France?"
              openkoi -m openai/gpt-4.1 -i 5 "add input validation to src/api.py" --yes
              openkoi batch tasks.jsonl --concurrency 4 > results.jsonl
              openkoi bench suite.jsonl -m openai/gpt-4.1 -m local/qwen2.5-coder-1.5b

            Task options go before or after the task words:
              -m, --model provider/model   -i, --iterate N      -q, --quality 0..1
              --quiet  --json  --stdin  --yes  --config PATH  --workspace DIR
              --budget USD  --budget-tokens N  --timeout SECONDS
            See 'openkoi help run' for details.

            Exit codes:
              0 accepted (also best-of-N and plateau)   1 failed   64 usage error
              3 regression   4 token budget   5 cost budget   6 timeout
              7 tool loop   130 cancelled
            """,
        version: "openkoi \(OpenKoiCommand.version)",
        subcommands: [
            Run.self, Batch.self, Bench.self, Models.self, Connect.self, Disconnect.self, Doctor.self, Init.self,
            Skills.self,
            Setup.self, Status.self, Migrate.self, Export.self, Learn.self, Daemon.self,
        ],
        defaultSubcommand: Run.self)
}

/// Options shared by every command that runs tasks.
struct TaskOptions: ParsableArguments {
    @Option(
        name: [.short, .long],
        help: "Model as provider/model (e.g. openai/gpt-4.1, local/smollm2-135m), a bare model name, or ? to pick one.")
    var model: String?

    // `.unconditional` (here and on the other numbers): `-i -1` reaches validate() and gets a clear
    // error, not "Missing value".
    @Option(
        name: [.customShort("i"), .long], parsing: .unconditional,
        help: "Maximum iterations (0 = execute once without evaluation).")
    var iterate: Int?

    @Option(name: [.customShort("q"), .long], parsing: .unconditional, help: "Quality threshold between 0 and 1.")
    var quality: Double?

    @Flag(name: [.short, .long], help: "Allow shell commands without asking (unattended runs).")
    var yes = false

    @Option(help: "Config file to load instead of ~/.openkoi/config.toml.")
    var config: String?

    @Option(parsing: .unconditional, help: "Cost budget per task in US dollars (0 = none).")
    var budget: Double?

    @Option(name: .customLong("budget-tokens"), parsing: .unconditional, help: "Token budget per task (0 = none).")
    var budgetTokens: Int?

    @Option(
        parsing: .unconditional,
        help: "Wall-clock budget per task in seconds (0 = none); the call in flight is cancelled when it runs out.")
    var timeout: Double?

    @Option(help: "Directory the tools act in (default: the current directory).")
    var workspace: String?

    @Option(help: "Sandbox for shell commands and test runs: read-only, workspace-write (default) or off.")
    var sandbox: String?

    /// Out-of-range values are usage errors (exit 64) that name the flag, before anything runs.
    func validate() throws {
        if let value = iterate, value < 0 {
            throw ValidationError("--iterate must be 0 or more (0 = execute once without evaluation), got \(value)")
        }
        if let value = quality, !(0...1).contains(value) {
            throw ValidationError("--quality must be between 0 and 1, got \(value)")
        }
        if let value = budget, !(value.isFinite && value >= 0) {
            throw ValidationError("--budget must be 0 or more US dollars (0 = no cost limit), got \(value)")
        }
        if let value = budgetTokens, value < 0 {
            throw ValidationError("--budget-tokens must be 0 or more (0 = no token limit), got \(value)")
        }
        if let value = timeout, !(value.isFinite && value >= 0) {
            throw ValidationError("--timeout must be 0 or more seconds (0 = no time limit), got \(value)")
        }
        if let mode = sandbox, SandboxMode(rawValue: mode) == nil {
            throw ValidationError("--sandbox must be one of \(SandboxMode.names), got '\(mode)'")
        }
        if let path = workspace {
            var info = stat()
            guard stat(path, &info) == 0 else { throw ValidationError("--workspace \(path): no such directory") }
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw ValidationError("--workspace \(path): not a directory")
            }
        }
    }
}

#if canImport(Glibc)
    import Glibc
#endif
