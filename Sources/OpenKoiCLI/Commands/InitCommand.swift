import ArgumentParser
import OpenKoiCore
import OpenKoiProviders

/// `openkoi init`: makes OpenKoi's directories (0700) and says which providers this machine already
/// has credentials for, and how to add one.
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create OpenKoi's directories and show what is set up.")

    @Option(help: "Config file to load instead of ~/.openkoi/config.toml.")
    var config: String?

    func run() throws {
        let session = try reportingCLIErrors { try Session(options: .forConfig(config)) }
        try reportingCLIErrors { try session.paths.ensureDirectories() }
        StandardStreams.err("Config dir: \(session.paths.configDir)\nData dir: \(session.paths.dataDir)\n")
        let resolver = session.providerResolver()
        let found = resolver.availableProfiles()
        if found.isEmpty {
            StandardStreams.err("No provider credentials found.\n")
        } else {
            for profile in found {
                let source = resolver.credential(for: profile).map { " (\($0.source))" } ?? ""
                StandardStreams.err("  Found: \(profile.id)\(source)\n")
            }
        }
        StandardStreams.err(
            """
            Tips:
              openkoi connect <provider>   save an API key or log in (copilot, chatgpt)
              openkoi models               list the models you can use
              openkoi doctor               check the set-up
              openkoi "your task"          run a task (-m provider/model to choose)

            """)
    }
}
