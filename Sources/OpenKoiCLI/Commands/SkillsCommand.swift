import FoundationEssentials
import ArgumentParser
import OpenKoiCore
import OpenKoiMemory
import OpenKoiSkills

#if canImport(Glibc)
    import Glibc
#endif

/// `openkoi skills [--json] [--workspace DIR]`: every skill and evaluator OpenKoi can see, where it
/// came from, whether it can be used here (and why not), and which lower-precedence skills a
/// higher source replaced. Malformed files are warned about on stderr; the rest are still listed.
struct Skills: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List skills and evaluators with their source, eligibility and effectiveness.")

    @Flag(help: "Print one JSON array of skills.")
    var json = false

    @Option(help: "Directory whose .agents/skills and .agents/evaluators are read (default: the current directory).")
    var workspace: String?

    @Option(help: "Config file to load instead of ~/.openkoi/config.toml.")
    var config: String?

    func validate() throws {
        if let path = workspace {
            var info = stat()
            guard stat(path, &info) == 0 else { throw ValidationError("--workspace \(path): no such directory") }
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw ValidationError("--workspace \(path): not a directory")
            }
        }
    }

    func run() throws {
        let session = try reportingCLIErrors { try Session(options: .forConfig(config)) }
        let library = SkillLibrary.load(
            paths: session.paths, workspace: workspace ?? session.workspace, environment: session.environment)
        for warning in library.warnings { session.console.warning(warning.description) }
        let rows = SkillListing.rows(library, effectiveness: Self.effectiveness(session))
        StandardStreams.out(json ? SkillListing.jsonText(rows) : SkillListing.table(rows))
    }

    /// Per skill, per category: how it scored on past tasks. Empty until the usage store is wired in;
    /// the column then prints "—".
    /// From the memory database's `skill_effectiveness` (none when it has not been created yet).
    static func effectiveness(_ session: Session) -> [String: [String: SkillEffectiveness]] {
        let path = session.paths.dbFile
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        let store = MemoryStore(path: path)
        let rows = BlockingRunner.storeWork(path: path) {
            try await store.skillEffectiveness().mapValues { categories in
                categories.mapValues { SkillEffectiveness(avgScore: $0.avgScore, samples: $0.samples) }
            }
        }
        switch rows {
        case .success(let value): return value
        case .failure(let error):
            session.console.warning("skill effectiveness not shown: \(error)")
            return [:]
        }
    }
}

/// The rows `openkoi skills` prints: by name, the entry in effect first, then what it shadows.
enum SkillListing {
    struct Row {
        var entry: SkillEntry
        var effectiveness: [String: SkillEffectiveness]

        /// Usable here: in effect and eligible.
        var eligible: Bool { entry.isUsable }
        var reason: String? {
            if let shadow = entry.shadowedBy { return "shadowed by \(shadow.source.rawValue)" }
            return entry.eligibility.reason
        }
        /// "eligible", "shadowed by user", or "not eligible: needs `jq` on PATH".
        var status: String {
            if eligible { return "eligible" }
            if entry.shadowedBy != nil { return reason ?? "" }
            return "not eligible: " + (reason ?? "")
        }
    }

    static func rows(_ library: SkillLibrary, effectiveness: [String: [String: SkillEffectiveness]]) -> [Row] {
        let ordered = library.entries.enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            if x.skill.name != y.skill.name { return x.skill.name < y.skill.name }
            if x.isActive != y.isActive { return x.isActive }
            if x.source != y.source { return x.source.precedence > y.source.precedence }
            return a.offset < b.offset
        }
        return ordered.map { Row(entry: $0.element, effectiveness: effectiveness[$0.element.skill.name] ?? [:]) }
    }

    static func table(_ rows: [Row]) -> String {
        guard !rows.isEmpty else { return "No skills found.\n" }
        let names = rows.map { TerminalText.escaped($0.entry.skill.name) }
        let nameWidth = max(4, names.map(\.count).max() ?? 0)
        let scores = rows.map { effectivenessText($0.effectiveness) }
        let scoreWidth = max(13, scores.map(\.count).max() ?? 0)
        func pad(_ text: String, _ width: Int) -> String {
            text + String(repeating: " ", count: max(0, width - text.count))
        }
        var text = pad("NAME", nameWidth) + "  KIND       SOURCE     " + pad("EFFECTIVENESS", scoreWidth) + "  STATUS\n"
        for (index, row) in rows.enumerated() {
            let entry = row.entry
            text += pad(names[index], nameWidth) + "  " + pad(entry.skill.kind.rawValue, 9) + "  "
            text += pad(entry.source.rawValue, 9) + "  " + pad(scores[index], scoreWidth) + "  "
            text += TerminalText.escaped(row.status) + "\n  " + TerminalText.escaped(entry.path) + "\n"
        }
        return text
    }

    /// "code 0.84 (7), bugfix 0.60 (2)", or "—" with no history.
    static func effectivenessText(_ stats: [String: SkillEffectiveness]) -> String {
        guard !stats.isEmpty else { return "—" }
        return stats.sorted { $0.key < $1.key }.map { category, value in
            "\(category) \(NumberText.fixed(value.avgScore, decimals: 2)) (\(value.samples))"
        }.joined(separator: ", ")
    }

    static func jsonText(_ rows: [Row]) -> String {
        let objects: [JSONValue] = rows.map { row in
            let entry = row.entry
            var effectiveness: [String: JSONValue] = [:]
            for (category, value) in row.effectiveness {
                effectiveness[category] = [
                    "avg_score": .number(value.avgScore), "samples": .number(Double(value.samples)),
                ]
            }
            return [
                "name": .string(entry.skill.name), "kind": .string(entry.skill.kind.rawValue),
                "source": .string(entry.source.rawValue), "path": .string(entry.path), "eligible": .bool(row.eligible),
                "reason": row.reason.map(JSONValue.string) ?? .null,
                "shadowed_by": entry.shadowedBy.map { .string($0.source.rawValue) } ?? .null,
                "categories": .array(entry.skill.categories.map(JSONValue.string)),
                "effectiveness": .object(effectiveness),
            ]
        }
        return JSONValue.array(objects).jsonString + "\n"
    }
}
