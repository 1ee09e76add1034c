import ArgumentParser
import OpenKoiCore
import OpenKoiProviders

/// `openkoi disconnect [target|all]`: removes a login or key from `auth.json` and `credentials/`.
/// Environment variables are the shell's; the command says so instead of pretending to remove them.
struct Disconnect: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Remove a stored login or API key (or all of them).")

    @Argument(help: "A provider id (copilot, chatgpt, openai, …) or all.")
    var target: String?

    @Option(help: "Config file to load instead of ~/.openkoi/config.toml.")
    var config: String?

    func run() throws {
        let session = try reportingCLIErrors { try Session(options: .forConfig(config)) }
        let connections = ConnectionList(paths: session.paths, environment: session.environment)
        let stored = connections.storedIDs()
        let chosen: String
        if let target {
            chosen = ProviderProfile.canonicalID(target)
        } else {
            guard !stored.isEmpty else {
                StandardStreams.err("No providers or integrations are currently connected.\n")
                return
            }
            guard StandardStreams.stdinIsTerminal,
                let picked = TerminalPrompt.pick(
                    "Disconnect what?", stored.map { ($0, $0) } + [("all", "all of them")])
            else {
                throw reportedError(
                    "disconnect needs a target: one of \((stored + ["all"]).joined(separator: ", "))", code: 64)
            }
            chosen = picked
        }
        let ids = chosen == "all" ? stored : [chosen]
        if chosen == "all", ids.isEmpty {
            StandardStreams.err("No providers or integrations are currently connected.\n")
            return
        }
        for id in ids {
            var removed = connections.keyFiles.remove(id)
            do {
                removed = try connections.authStore.remove(id) || removed
            } catch {
                throw reportedError("\(error)")
            }
            if removed {
                StandardStreams.err("Disconnected \(id).\n")
            } else {
                StandardStreams.err("\(id) is not connected.\n")
            }
            let variables = ProviderProfile.builtIn(id)?.keyVariables ?? []
            for name in variables where !(session.environment[name]?.trimmed.isEmpty ?? true) {
                StandardStreams.err("Note: \(name) is still set in your environment; unset it to stop using \(id).\n")
            }
        }
    }
}
