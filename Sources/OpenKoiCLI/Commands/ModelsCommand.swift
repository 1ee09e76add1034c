import ArgumentParser
import OpenKoiCore
import OpenKoiProviders

/// `openkoi models [--provider p] [--json] [--refresh]`: the models each available provider offers,
/// with context window, output limit, prices and capabilities.
struct Models: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the models of every available provider (context window, prices, tools).")

    @Option(help: "Only this provider (e.g. openai, ollama, or a [providers.<id>] table).")
    var provider: String?

    @Flag(help: "Print one JSON array of models.")
    var json = false

    @Flag(help: "Ask the providers again instead of using the hour-long cache.")
    var refresh = false

    @Option(help: "Config file to load instead of ~/.openkoi/config.toml.")
    var config: String?

    func run() throws {
        let json = self.json
        let refresh = self.refresh
        let session = try reportingCLIErrors { try Session(options: .forConfig(config), quiet: json) }
        let resolver = session.providerResolver(probeTimeout: 2)
        let only = provider.map(ProviderProfile.canonicalID)
        if let only, resolver.profile(only) == nil {
            throw reportedError(
                "unknown provider '\(only)'. Known providers: \(resolver.knownProviderIDs.joined(separator: ", "))")
        }
        let code: Int32 = BlockingRunner.run {
            let statuses = await ProviderInventory.gather(resolver, only: only, refresh: refresh)
            if statuses.isEmpty {
                session.console.error(
                    "no provider available. Set one up with `openkoi connect` or see `openkoi doctor`.")
                return 1
            }
            if json {
                // The table says it inline; JSON readers get the reason on stderr.
                for status in statuses {
                    if let problem = status.listingProblem {
                        session.console.warning(
                            "\(status.profile.id): could not list models (\(problem)); catalog shown")
                    }
                }
            }
            StandardStreams.out(json ? Self.jsonText(statuses) : Self.table(statuses))
            return 0
        }
        if code != 0 { throw ExitCode(code) }
    }

    static func jsonText(_ statuses: [ProviderStatus]) -> String {
        let rows: [JSONValue] = statuses.flatMap { status in
            status.models.map { model in
                let pricing = model.pricing ?? PricingTable.pricing(provider: status.profile.id, model: model.id)
                return [
                    "provider": .string(status.profile.id), "id": .string(model.id),
                    "context_window": .number(Double(model.contextWindow)),
                    "max_output_tokens": .number(Double(model.maxOutputTokens)),
                    "input_price_per_mtok": price(pricing.inputPerMTok),
                    "output_price_per_mtok": price(pricing.outputPerMTok),
                    "cache_read_price_per_mtok": price(pricing.cacheReadPerMTok),
                    "cache_write_price_per_mtok": price(pricing.cacheWritePerMTok),
                    "supports_tools": .bool(model.supportsTools),
                ]
            }
        }
        return JSONValue.array(rows).jsonString + "\n"
    }

    /// Dollars per Mtok to a millionth of a dollar: derived cache prices (0.1 × 1.1) print as 0.11.
    static func price(_ value: Double) -> JSONValue { .number((value * 1_000_000).rounded() / 1_000_000) }

    static func table(_ statuses: [ProviderStatus]) -> String {
        var text = ""
        for status in statuses {
            text += "\(status.profile.displayName) (\(status.profile.id)): \(status.models.count) model(s)"
            if let problem = status.listingProblem { text += " — could not list: \(TerminalText.escaped(problem))" }
            text += "\n"
            for model in status.models {
                let pricing = model.pricing ?? PricingTable.pricing(provider: status.profile.id, model: model.id)
                let (input, output) = (
                    NumberText.fixed(pricing.inputPerMTok, decimals: 2),
                    NumberText.fixed(pricing.outputPerMTok, decimals: 2)
                )
                let price = pricing == .free ? "free" : "$\(input)/$\(output) per Mtok"
                let id = "\(status.profile.id)/\(model.id)"
                text += "  " + id + String(repeating: " ", count: max(0, 44 - id.count))
                text += " \(model.contextWindow / 1000)k ctx, \(model.maxOutputTokens / 1000)k out, \(price)"
                text += model.supportsTools ? ", tools\n" : "\n"
            }
        }
        return text
    }
}
