import ArgumentParser
import FoundationEssentials
import OpenKoiCore
import OpenKoiMemory

/// `openkoi learn mine [--propose] [-m provider/model] [--json]`: mines now, whatever the interval.
struct LearnMine: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mine",
        abstract: "Mine the task history for patterns now; with --propose, write skills for the confident ones.")

    @ParentCommand var learn: Learn

    @Flag(help: "Ask a model to write a proposed skill for each confident pattern (the small model by default).")
    var propose = false

    @Option(name: [.short, .long], help: "The model that writes proposals, as provider/model.")
    var model: String?

    @Flag(help: "Print one JSON object: {events, patterns, proposed, rejected}.")
    var json = false

    func run() throws {
        let review = try SkillReview.open(config: learn.config, quiet: json)
        let session = review.session
        let config = session.config.patterns
        guard config.enabled else {
            throw reportedError(
                "pattern mining is off ([patterns] enabled = false in \(learn.config ?? session.paths.configFile)); set it to true"
            )
        }
        let (propose, model, json) = (self.propose, self.model, self.json)
        try BlockingRunner.runThrowing {
            let upkeep = PatternUpkeep(session: session)
            var report = PatternMiningReport()
            // No database: no task was ever recorded (and listing or mining does not create one).
            if FileManager.default.fileExists(atPath: session.paths.dbFile) {
                do {
                    report = try await PatternMiner(store: upkeep.store, config: config).mine()
                } catch {
                    throw reportedError("\(error)")
                }
            }
            var proposed: [JSONValue] = []
            var rejected: [JSONValue] = []
            var text =
                "Mined \(report.events) task event(s) from the last 30 days: \(report.patterns.count) pattern(s).\n"
            text += LearnReport.patternLines(report.patterns)
            let candidates = SkillProposer.candidates(report.patterns, minConfidence: config.minConfidence)
            if propose, candidates.isEmpty {
                text += "No detected pattern is confident enough for a skill (min_confidence "
                text += NumberText.plain(config.minConfidence) + ").\n"
            } else if propose {
                let proposer: SkillProposer
                do {
                    proposer = try await upkeep.proposer(model: model)
                } catch {
                    throw reportedError("no model to write proposals with: \(error)")
                }
                for pattern in candidates {
                    switch await proposer.propose(pattern) {
                    case .proposed(let name, let path):
                        proposed.append(["name": .string(name), "path": .string(path), "pattern": .string(pattern.id)])
                        text += "Proposed skill \(name): \(path)\n"
                    case .rejected(let reason):
                        rejected.append(["pattern": .string(pattern.id), "reason": .string(reason)])
                        session.console.warning("no skill proposed for '\(pattern.description)': \(reason)")
                    }
                }
            }
            if json {
                let object: JSONValue = [
                    "events": .number(Double(report.events)), "patterns": .array(report.patterns.map(LearnReport.json)),
                    "proposed": .array(proposed), "rejected": .array(rejected),
                ]
                StandardStreams.out(object.jsonString + "\n")
            } else {
                StandardStreams.out(text)
            }
            // Asked to propose, and every attempt failed: that is an error.
            if propose, !candidates.isEmpty, proposed.isEmpty { throw ExitCode(1) }
        }
    }
}
