import ArgumentParser
import OpenKoiCore
import OpenKoiProviders

/// `openkoi connect [target]`: log in to a subscription (Copilot, ChatGPT) or save an API key as
/// `credentials/<id>.key` (0600). The key is read from stdin: typed without echo on a terminal, or
/// piped (`pass show openai | openkoi connect openai`).
struct Connect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Log in to Copilot or ChatGPT, or save a provider's API key.")

    @Argument(help: "copilot, chatgpt, an API-key provider (anthropic, openai, google, groq, …) or status.")
    var target: String?

    @Option(help: "Config file to load instead of ~/.openkoi/config.toml.")
    var config: String?

    /// The original's integration targets: they arrive with the daemon's integrations.
    static let integrations = [
        "slack", "discord", "telegram", "notion", "imessage", "google_docs", "gdocs", "google_sheets", "gsheets",
        "email", "msoffice", "office",
    ]

    static var apiKeyProviders: [ProviderProfile] {
        ProviderProfile.builtIn.filter { !$0.keyVariables.isEmpty }
    }

    static var targets: [(key: String, label: String)] {
        [("copilot", "GitHub Copilot (log in)"), ("chatgpt", "ChatGPT Plus/Pro (log in)")]
            + apiKeyProviders.map { ($0.id, "\($0.displayName) (API key)") } + [("status", "show what is connected")]
    }

    func run() throws {
        let session = try reportingCLIErrors { try Session(options: .forConfig(config)) }
        guard let chosen = target.map(ProviderProfile.canonicalID) ?? pickTarget() else {
            throw reportedError(
                "connect needs a target: one of \(Self.targets.map(\.key).joined(separator: ", "))", code: 64)
        }
        try reportingCLIErrors {
            try session.paths.ensureDirectories()
        }
        let paths = session.paths
        switch chosen {
        case "status", "list":
            StandardStreams.err(ConnectionList(paths: paths, environment: session.environment).describe())
        case "copilot":
            let code = BlockingRunner.run { await Self.loginCopilot(session: session) }
            if code != 0 { throw ExitCode(code) }
        case "chatgpt":
            let code = BlockingRunner.run { await Self.loginChatGPT(session: session) }
            if code != 0 { throw ExitCode(code) }
        case let id
        where Self.apiKeyProviders.contains(where: { $0.id == id })
            || (ProviderProfile.builtIn(id) == nil && session.config.providers[id] != nil):
            try saveKey(for: id, paths: paths)
        case let id where Self.integrations.contains(id):
            throw reportedError("\(id) is an integration; integrations are not available in this version yet")
        default:
            throw reportedError(
                "unknown target '\(chosen)'. Valid targets: \(Self.targets.map(\.key).joined(separator: ", "))",
                code: 64)
        }
    }

    private func pickTarget() -> String? {
        guard StandardStreams.stdinIsTerminal else { return nil }
        return TerminalPrompt.pick("Connect what?", Self.targets)
    }

    private func saveKey(for id: String, paths: OpenKoiPaths) throws {
        let name = ProviderProfile.builtIn(id)?.displayName ?? id
        let typed =
            StandardStreams.stdinIsTerminal
            ? TerminalPrompt.secret("\(name) API key: ") : StandardStreams.readStdin()
        let key = (typed ?? "").trimmed
        guard !key.isEmpty else { throw reportedError("no key given; nothing saved") }
        guard !key.contains(where: \.isWhitespace) else {
            throw reportedError("the key contains spaces or line breaks; paste the key alone. Nothing saved")
        }
        let files = KeyFiles(directory: paths.credentialsDir)
        let store = AuthStore(path: paths.authFile)
        do {
            try store.check()
            try files.save(key, for: id)
            // auth.json is read before key files: an older key there would win over the one just given.
            if case .apiKey? = store.entry(for: id) { try store.remove(id) }
        } catch {
            throw reportedError("\(error)")
        }
        StandardStreams.err("Connected \(name): key saved to \(files.path(for: id)) (\(maskedSecret(key)))\n")
    }

    static func loginChatGPT(session: Session) async -> Int32 {
        let login = session.loginServices.openAILogin(transport: CurlTransport())
        return await deviceLogin(session: session, provider: "chatgpt", name: "ChatGPT") { show in
            try await login.login { code in show(code.verificationURL, code.userCode) }
        }
    }

    static func loginCopilot(session: Session) async -> Int32 {
        let login = GitHubDeviceLogin(
            baseURL: session.environment["GITHUB_SERVER_URL"].flatMap { $0.isEmpty ? nil : $0 }
                ?? GitHubDeviceLogin.defaultBaseURL,
            transport: CurlTransport())
        return await deviceLogin(session: session, provider: "copilot", name: "GitHub Copilot") { show in
            try await login.run { prompt in show(prompt.verificationURI, prompt.userCode) }
        }
    }

    /// A device-code login: shows where to enter the code, waits, saves the tokens in `auth.json`.
    private static func deviceLogin(
        session: Session, provider: String, name: String,
        run: (_ show: @escaping @Sendable (_ url: String, _ code: String) -> Void) async throws -> OAuthTokens
    ) async -> Int32 {
        let store = AuthStore(path: session.paths.authFile)
        do {
            // Found before the login, not after: the new tokens could not be saved into a broken file.
            try store.check()
            let tokens = try await run { url, code in
                StandardStreams.err("Open \(url) and enter the code \(code)\nWaiting for authorization...\n")
            }
            try store.save(tokens, for: provider)
            StandardStreams.err("Connected \(name).\n")
            return 0
        } catch {
            session.console.error("\(error)")
            return 1
        }
    }
}

/// What is connected, for `connect status` and `disconnect`: logins and keys in `auth.json`, key files.
struct ConnectionList {
    let paths: OpenKoiPaths
    let environment: [String: String]

    var authStore: AuthStore { AuthStore(path: paths.authFile) }
    var keyFiles: KeyFiles { KeyFiles(directory: paths.credentialsDir) }

    /// Provider ids with something stored (not environment variables, which `disconnect` cannot remove).
    func storedIDs() -> [String] {
        let stored = Set(((try? authStore.entries()) ?? [:]).keys).union(keyFiles.providers())
        return stored.sorted()
    }

    func describe() -> String {
        let finder = CredentialFinder(environment: environment, paths: paths)
        var lines: [String] = []
        for profile in ProviderProfile.builtIn {
            guard let credential = finder.credential(for: profile) else { continue }
            lines.append("  \(profile.id): \(credential.source) (\(credential.masked))")
        }
        for id in storedIDs() where ProviderProfile.builtIn(id) == nil {
            lines.append("  \(id): \(keyFiles.key(for: id) != nil ? keyFiles.path(for: id) : paths.authFile)")
        }
        var problem = ""
        do { try authStore.check() } catch { problem = "warning: \(error)\n" }
        if lines.isEmpty { return problem + "No providers or integrations are currently connected.\n" }
        return problem + "Connected:\n" + lines.joined(separator: "\n") + "\n"
    }
}
