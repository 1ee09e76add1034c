import ArgumentParser
import OpenKoiCore

/// `openkoi setup`: `init`, then `doctor`; `--migrate` only migrates the database (reference §1.2).
struct Setup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Set OpenKoi up (init + doctor), or with --migrate only migrate the database.")

    @Flag(help: "Only run the database migrations.")
    var migrate = false

    @Option(help: "Config file to load instead of ~/.openkoi/config.toml.")
    var config: String?

    func run() throws {
        if migrate {
            let session = try reportingCLIErrors { try Session(options: .forConfig(config)) }
            return try Migrate.migrate(session: session, statusOnly: false)
        }
        let arguments = config.map { ["--config", $0] } ?? []
        try Init.parse(arguments).run()
        try Doctor.parse(arguments).run()
    }
}
