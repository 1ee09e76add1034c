import OpenKoiCore
import OpenKoiProviders

/// `-m ?` (or `-m select`, `--select-model`): lists every model of every available provider and
/// asks for one (reference §1.6). Without a terminal it fails with the list, so a script that
/// passes `?` learns the valid values instead of hanging.
enum ModelPicker {
    static func isRequest(_ spec: String?) -> Bool { spec == "?" || spec == "select" }

    /// The chosen `provider/model`, echoed as `  Using: p/m` on stderr.
    static func choose(_ session: Session) throws -> String {
        let resolver = session.providerResolver(probeTimeout: 2)
        let choices = LockedValue<[String]>([])
        _ = BlockingRunner.run {
            let statuses = await ProviderInventory.gather(resolver)
            choices.withLock { list in
                list = statuses.flatMap { status in status.models.map { "\(status.profile.id)/\($0.id)" } }
            }
            return 0
        }
        let models = choices.value
        guard !models.isEmpty else {
            throw CLIError("no provider available to pick a model from; see `openkoi doctor`", code: 1)
        }
        guard StandardStreams.stdinIsTerminal else {
            throw CLIError(
                "-m ? needs a terminal to ask on; name one of: " + models.joined(separator: ", "), code: 64)
        }
        let items = models.map { (key: $0, label: $0) }
        guard let chosen = TerminalPrompt.pick("Models (a number, or type a provider/model):", items, acceptsText: true)
        else { throw CLIError("no model chosen", code: 64) }
        StandardStreams.err("  Using: \(chosen)\n")
        return chosen
    }
}
