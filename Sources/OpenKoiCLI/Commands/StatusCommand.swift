import ArgumentParser
import FoundationEssentials
import OpenKoiCore
import OpenKoiMemory
import OpenKoiSkills

/// `openkoi status [--costs] [--verbose]`: what OpenKoi has and knows — paths, models per role,
/// skills, the embedder, and what the database holds. Reads files only: no network, no discovery.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the set-up, models per role, skills, memory and activity (--costs: spend).")

    @Flag(help: "Add spend per model, per day and per phase.")
    var costs = false

    @Flag(help: "Add the data, config and state directories.")
    var verbose = false

    @Option(help: "Config file to load instead of ~/.openkoi/config.toml.")
    var config: String?

    func run() throws {
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
        text += "Skills: bundled \(BundledSkills.all.count)"
        for folder in ["managed", "user", "proposed"] {
            text += ", \(folder) \(Self.entries(in: paths.skillsDir + "/" + folder))"
        }
        text += "\n"
        if verbose {
            text += "Config dir: \(paths.configDir)\nData dir: \(paths.dataDir)\nState dir: \(paths.stateDir)\n"
        }
        guard hasDB else {
            StandardStreams.out(text + "No tasks recorded yet.\n")
            return
        }
        let store = MemoryStore(path: paths.dbFile, decayRate: session.config.memory.learningDecayRate)
        let costs = self.costs
        let report = BlockingRunner.run { () -> Result<String, StoreError> in
            do {
                return .success(try await Self.activity(store, costs: costs))
            } catch let error as StoreError {
                return .failure(error)
            } catch {
                return .failure(StoreError(.sqlite, path: paths.dbFile, message: "\(error)"))
            }
        }
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

    static func size(of path: String) -> String {
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return bytes >= 1_048_576
            ? NumberText.fixed(Double(bytes) / 1_048_576, decimals: 1) + " MB"
            : NumberText.fixed(Double(bytes) / 1024, decimals: 0) + " KB"
    }

    static func entries(in directory: String) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { !$0.hasPrefix(".") }.count
    }
}
