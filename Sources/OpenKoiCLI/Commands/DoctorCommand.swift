import ArgumentParser
import OpenKoiCore
import OpenKoiProviders
import OpenKoiTools

#if canImport(Glibc)
    import Glibc
#endif

/// `openkoi doctor`: header and footer on stdout as the original printed them (`openkoi doctor v<ver>`
/// … `Done.`), the checks on stderr: providers and their model counts, where each credential came
/// from (masked), MCP commands on PATH, the command sandbox, and a permission audit with fixes.
struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check providers, credentials, MCP commands, the sandbox and file permissions.")

    @Option(help: "Config file to load instead of ~/.openkoi/config.toml.")
    var config: String?

    func run() throws {
        let session = try reportingCLIErrors { try Session(options: .forConfig(config)) }
        StandardStreams.out("openkoi doctor v\(OpenKoiCommand.version)\n")
        let resolver = session.providerResolver(probeTimeout: 2)
        let problems = BlockingRunner.run {
            var problems: Int32 = 0
            let statuses = await ProviderInventory.gather(resolver)
            StandardStreams.err("Providers: \(statuses.count) found\n")
            for status in statuses {
                var line = "  \(status.profile.id): \(status.models.count) model(s)"
                if let credential = status.credential { line += ", \(credential.source) (\(credential.masked))" }
                if let problem = status.listingProblem { line += "; could not list models: \(problem)" }
                StandardStreams.err(TerminalText.escaped(line) + "\n")
            }
            if statuses.isEmpty {
                problems += 1
                StandardStreams.err(
                    "  none: run `openkoi connect`, export a provider's API key, or start a local server\n")
            }
            return problems
        }
        var issues = problems
        do {
            try AuthStore(path: session.paths.authFile).check()
        } catch {
            issues += 1
            StandardStreams.err("Logins: \(TerminalText.escaped("\(error)"))\n")
        }
        issues += checkMCP(session)
        issues += checkSandbox(session)
        issues += auditPermissions(session.paths)
        StandardStreams.err(issues == 0 ? "No problems found.\n" : "\(issues) problem(s) found.\n")
        StandardStreams.out("Done.\n")
    }

    private func checkMCP(_ session: Session) -> Int32 {
        let servers = session.config.plugins.mcp
        guard !servers.isEmpty else { return 0 }
        StandardStreams.err("MCP servers:\n")
        var missing: Int32 = 0
        for server in servers {
            if let found = CommandSandbox.executable(named: server.command, path: session.environment["PATH"]) {
                StandardStreams.err("  \(server.name): \(found)\n")
            } else {
                missing += 1
                StandardStreams.err(
                    "  \(server.name): '\(server.command)' is not on PATH; install it or fix [[plugins.mcp]] command\n")
            }
        }
        return missing
    }

    private func checkSandbox(_ session: Session) -> Int32 {
        let sandbox = session.commandSandbox()
        if let reason = sandbox.unavailableReason {
            StandardStreams.err("Sandbox: \(reason)\n")
            return 1
        }
        StandardStreams.err("Sandbox: \(sandbox.mode.rawValue)\n")
        return 0
    }

    /// Files that hold secrets or task data must not be readable by others (missing files are fine).
    private func auditPermissions(_ paths: OpenKoiPaths) -> Int32 {
        var checks: [(path: String, mode: mode_t)] = [
            (paths.configDir, 0o700), (paths.credentialsDir, 0o700), (paths.dataDir, 0o700),
            (paths.configFile, 0o600), (paths.authFile, 0o600), (paths.dbFile, 0o600),
            (paths.credentialsDir + "/integrations.json", 0o600),
        ]
        let keyFiles = KeyFiles(directory: paths.credentialsDir)
        for id in keyFiles.providers() { checks.append((keyFiles.path(for: id), 0o600)) }
        StandardStreams.err("Permissions:\n")
        var wide: Int32 = 0
        for check in checks {
            var info = stat()
            guard stat(check.path, &info) == 0 else { continue }
            let mode = info.st_mode & 0o777
            let octal = String(mode, radix: 8)
            if mode & ~check.mode & 0o077 != 0 {
                wide += 1
                let wanted = String(check.mode, radix: 8)
                StandardStreams.err(
                    "  \(check.path) is \(octal), should be \(wanted): chmod \(wanted) '\(check.path)'\n")
            } else {
                StandardStreams.err("  ok \(check.path) (\(octal))\n")
            }
        }
        return wide
    }
}
