import ArgumentParser
import OpenKoiCore
import OpenKoiMemory

/// `openkoi learn [list|view|approve|dismiss|mine]`: the habits mined from past tasks and the
/// skills proposed for them, which become user skills only when approved (reference §8.5).
struct Learn: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Review the patterns mined from your tasks and the skills proposed for them.",
        discussion:
            "Without an action: on a terminal, asks about each proposed skill (approve, dismiss, view); "
            + "otherwise prints the list.",
        subcommands: [
            LearnList.self, LearnView.self, LearnApprove.self, LearnDismiss.self, LearnMine.self, LearnEvolveSoul.self,
        ])

    @Option(help: "Config file to load instead of ~/.openkoi/config.toml.")
    var config: String?

    func run() throws {
        let review = try SkillReview.open(config: config)
        let interactive = StandardStreams.stdinIsTerminal && StandardStreams.stderrIsTerminal
        try BlockingRunner.runThrowing {
            if interactive {
                try await review.interactive()
            } else {
                StandardStreams.out(try await review.listText())
            }
        }
    }
}

struct LearnList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the patterns (not dismissed) and the proposed skills.")

    @ParentCommand var learn: Learn

    @Flag(help: "Print one JSON object: {patterns, proposed}.")
    var json = false

    func run() throws {
        let review = try SkillReview.open(config: learn.config, quiet: json)
        let json = self.json
        try BlockingRunner.runThrowing {
            StandardStreams.out(json ? try await review.listJSON() : try await review.listText())
        }
    }
}

struct LearnView: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "view", abstract: "Print a proposed SKILL.md.")

    @ParentCommand var learn: Learn

    @Argument(help: "The proposed skill's name (as `openkoi learn list` shows it).")
    var name: String

    func run() throws {
        StandardStreams.out(try SkillReview.open(config: learn.config).view(name))
    }
}

struct LearnApprove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve", abstract: "Install a proposed skill as a user skill.", aliases: ["install"])

    @ParentCommand var learn: Learn

    @Argument(help: "The proposed skill's name.")
    var name: String

    @Flag(help: "Print one JSON object: {name, status, path, patterns}.")
    var json = false

    func run() throws {
        let review = try SkillReview.open(config: learn.config, quiet: json)
        let (name, json) = (self.name, self.json)
        try BlockingRunner.runThrowing {
            let (result, path, patterns) = try await review.approve(name)
            if json {
                let object: JSONValue = [
                    "name": .string(name), "status": .string(result.rawValue), "path": .string(path),
                    "patterns": .number(Double(patterns)),
                ]
                StandardStreams.out(object.jsonString + "\n")
            } else if result == .alreadyInstalled {
                StandardStreams.out("\(name) is already installed (\(path)).\n")
            } else {
                StandardStreams.out("Approved \(name): installed in \(path)\n")
            }
        }
    }
}

struct LearnDismiss: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dismiss", abstract: "Delete a proposed skill; its pattern is never proposed again.")

    @ParentCommand var learn: Learn

    @Argument(help: "The proposed skill's name.")
    var name: String

    @Flag(help: "Print one JSON object: {name, status, patterns}.")
    var json = false

    func run() throws {
        let review = try SkillReview.open(config: learn.config, quiet: json)
        let (name, json) = (self.name, self.json)
        try BlockingRunner.runThrowing {
            let patterns = try await review.dismiss(name)
            if json {
                let object: JSONValue = [
                    "name": .string(name), "status": "dismissed", "patterns": .number(Double(patterns)),
                ]
                StandardStreams.out(object.jsonString + "\n")
            } else {
                StandardStreams.out("Dismissed \(name).\n")
            }
        }
    }
}

extension SkillReview {
    static func open(config: String?, quiet: Bool = false) throws -> SkillReview {
        SkillReview(session: try reportingCLIErrors { try Session(options: .forConfig(config), quiet: quiet) })
    }
}

extension BlockingRunner {
    /// Runs throwing work; an `ExitCode` it throws (a reported error) becomes the exit status.
    static func runThrowing(_ work: @escaping @Sendable () async throws -> Void) throws {
        let code: Int32 = run {
            do {
                try await work()
                return 0
            } catch let exit as ExitCode {
                return exit.rawValue
            } catch {
                StandardStreams.err("error: \(TerminalText.escaped(String(describing: error)))\n")
                return 1
            }
        }
        if code != 0 { throw ExitCode(code) }
    }
}
