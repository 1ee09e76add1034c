import ArgumentParser
import FoundationEssentials
import OpenKoiCore
import OpenKoiMemory

/// `openkoi export [learnings|sessions|patterns|tasks|all] --format json|yaml|csv [-o file]`.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Export learnings, sessions, patterns or tasks.")

    @Argument(help: "learnings, sessions, patterns, tasks or all.")
    var target = "all"

    @Option(help: "json, yaml or csv.")
    var format: ExportDocument.Format = .json

    @Option(name: [.short, .customLong("output")], help: "Write to this file (0600) instead of stdout.")
    var output: String?

    @Option(help: "Config file to load instead of ~/.openkoi/config.toml.")
    var config: String?

    static let targets = ["learnings", "sessions", "patterns", "tasks", "all"]

    func validate() throws {
        guard Self.targets.contains(target) else {
            throw ValidationError(
                "unknown export target '\(target)'; choose one of: \(Self.targets.joined(separator: ", "))")
        }
    }

    func run() throws {
        let session = try reportingCLIErrors { try Session(options: .forConfig(config)) }
        let path = session.paths.dbFile
        guard FileManager.default.fileExists(atPath: path) else {
            throw reportedError("no database at \(path) yet: run a task first")
        }
        let tables = target == "all" ? ExportTable.allCases : ExportTable.allCases.filter { $0.target == target }
        let store = MemoryStore(path: path)
        let read = BlockingRunner.storeWork(path: path) {
            var out: [(String, [ExportRow])] = []
            for table in tables { out.append((table.target, try await store.export(table))) }
            return out
        }
        let rows: [(String, [ExportRow])]
        switch read {
        case .success(let value): rows = value
        case .failure(let error): throw reportedError(error.description)
        }
        let all = target == "all"
        let stamp = Date().ISO8601Format()
        let text: String
        switch format {
        case .json: text = ExportDocument.json(rows, all: all, exportedAt: stamp)
        case .yaml: text = ExportDocument.yaml(rows, all: all, exportedAt: stamp)
        case .csv: text = ExportDocument.csv(rows, all: all)
        }
        guard let output else {
            if let failure = StandardStreams.writeResult(text) { throw reportedError("cannot write: \(failure)") }
            return
        }
        do {
            try AtomicFile.write(Array(text.utf8), to: output)
        } catch {
            throw reportedError(error.description)
        }
        StandardStreams.err("Exported \(target) to \(output)\n")
    }
}
