import ArgumentParser
import FoundationEssentials
import OpenKoiCore
import OpenKoiMemory
import OpenKoiSkills

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `openkoi status [--costs] [--verbose] [--live]`: what OpenKoi has and knows — paths, models per role,
/// skills, the embedder, and what the database holds. Reads files only: no network, no discovery.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the set-up, models per role, skills, memory and activity (--costs: spend).")

    @Flag(help: "Add spend per model, per day and per phase.")
    var costs = false

    @Flag(help: "Add the data, config and state directories.")
    var verbose = false

    @Flag(help: "Follow running tasks (the CLI's and the daemon's), redrawn each second; Ctrl-C quits.")
    var live = false

    @Option(help: "Config file to load instead of ~/.openkoi/config.toml.")
    var config: String?

    func run() throws {
        if live {
            let session = try reportingCLIErrors { try Session(options: .forConfig(config)) }
            try reportingCLIErrors { try LiveStatus.run(session: session) }
            return
        }
        try Self.show(costs: costs, verbose: verbose, config: config)
    }

    /// `openkoi status` without ArgumentParser (its reflection costs more than the whole 5 ms
    /// budget); `nil` when the arguments need it (help, an unknown flag: the parser reports it).
    static func fastPath(_ arguments: [String]) -> (costs: Bool, verbose: Bool, config: String?)? {
        var (costs, verbose, config): (Bool, Bool, String?) = (false, false, nil)
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--costs": costs = true
            case "--verbose": verbose = true
            case "--config":
                guard let path = rest.popFirst() else { return nil }
                config = path
            default:
                guard argument.hasPrefix("--config="), argument.count > 9 else { return nil }
                config = String(argument.dropFirst(9))
            }
        }
        return (costs, verbose, config)
    }

    static func show(costs: Bool, verbose: Bool, config: String?) throws {
        let session = try reportingCLIErrors { try Session(options: .forConfig(config)) }
        let paths = session.paths
        let files = FileManager.default
        var text = "openkoi v\(OpenKoiCommand.version)\n"
        text += "Config: " + (files.fileExists(atPath: paths.configFile) ? paths.configFile : "(using defaults)") + "\n"
        let hasDB = files.fileExists(atPath: paths.dbFile)
        text += "Database: \(paths.dbFile) " + (hasDB ? "(\(Self.size(of: paths.dbFile)))" : "(not created yet)") + "\n"
        switch Soul.load(workspace: session.workspace, paths: paths).source {
        case .workspace(let path), .user(let path): text += "Soul: custom (\(path))\n"
        case .bundled: text += "Soul: default\n"
        }
        let models = session.config.models
        text += "Models:\n"
        text += "  executor:  \(models.executor ?? "auto (discovered)")\n"
        text += "  evaluator: \(models.evaluator ?? "the executor's")\n"
        text += "  planner:   \(models.planner ?? "the executor's")\n"
        text += "  small:     \(models.smallModel ?? "auto (the provider's small model)")\n"
        text += "  embedder:  \(session.embedderDescription)\n"
        let skills = SkillLibrary.census(paths: paths, workspace: session.workspace)
        let counts = SkillSource.allCases.map { source in "\(source.rawValue) \(skills.counts[source] ?? 0)" }
        text += "Skills: " + counts.joined(separator: ", ")
        if skills.warnings > 0 { text += " (\(skills.warnings) unreadable: see openkoi skills)" }
        text += "\n"
        if verbose {
            text += "Config dir: \(paths.configDir)\nData dir: \(paths.dataDir)\nState dir: \(paths.stateDir)\n"
        }
        guard hasDB else {
            StandardStreams.out(text + "No tasks recorded yet.\n")
            return
        }
        let store = MemoryStore(path: paths.dbFile, decayRate: session.config.memory.learningDecayRate)
        let report = BlockingRunner.storeWork(path: paths.dbFile) { try await Self.activity(store, costs: costs) }
        switch report {
        case .success(let activity): StandardStreams.out(text + activity)
        case .failure(let error):
            StandardStreams.out(text)
            throw reportedError(error.description)
        }
    }

    static func activity(_ store: MemoryStore, costs: Bool) async throws -> String {
        let summary = try await store.summary()
        var text = "Activity:\n"
        text += "  tasks: \(summary.tasks) (\(summary.completed) completed)\n"
        text += "  learnings: \(summary.learnings)\n"
        text += "  sessions: \(summary.sessions)\n"
        if let score = summary.averageScore {
            text += "  average score: \(NumberText.fixed(score, decimals: 2))"
            if let iterations = summary.averageIterations {
                text += ", average iterations: \(NumberText.fixed(iterations, decimals: 1))"
            }
            text += "\n"
        }
        let vectors = summary.embeddings.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        text += "  vectors: " + (vectors.isEmpty ? "none" : vectors.joined(separator: ", ")) + "\n"
        guard costs else { return text }
        for (title, grouping) in [
            ("Costs by model", "model"), ("Costs by day (UTC)", "day"), ("Costs by phase", "phase"),
        ] {
            text += "\(title):\n"
            let lines = try await store.costs(by: grouping)
            if lines.isEmpty { text += "  (none)\n" }
            for line in lines {
                text += "  \(line.key): $\(NumberText.dollars(line.costUSD)) over \(line.tasks) task(s)"
                if line.inputTokens + line.outputTokens > 0 {
                    text += ", tokens in \(line.inputTokens) / out \(line.outputTokens)"
                }
                text += "\n"
            }
        }
        return text
    }

    /// The database with its write-ahead log (recent writes live there until a checkpoint).
    static func size(of path: String) -> String {
        var bytes = 0
        for file in [path, path + "-wal"] {
            var info = stat()
            if stat(file, &info) == 0 { bytes += Int(info.st_size) }
        }
        return bytes >= 1_048_576
            ? NumberText.fixed(Double(bytes) / 1_048_576, decimals: 1) + " MB"
            : NumberText.fixed(Double(bytes) / 1024, decimals: 0) + " KB"
    }
}
