import OpenKoiCore

/// Confines commands that run model-written code (`run_command`, test runs, parse checks) with
/// bubblewrap (`bwrap`): fresh PID, network, IPC and UTS namespaces; the file system read-only except
/// the workspace (in `workspace-write`), a private `/tmp` and an empty home; and an environment built
/// from an allow-list, so neither the parent's `/proc/<pid>/environ` nor its variables are visible.
///
/// When the command ends, bwrap — the namespace's init — exits and the kernel kills everything left
/// in the namespace, so a `setsid … &` escapee dies with it.
public struct CommandSandbox: Sendable, Hashable {
    public var mode: SandboxMode
    public var allowsNetwork: Bool
    /// Variables passed in beyond `baseVariables` (`[tools] sandbox_env`).
    public var passedVariables: [String]
    /// Directories hidden inside the sandbox even when they lie in the workspace (openkoi's own data).
    public var hiddenPaths: [String]
    /// The bwrap executable, or nil when it is not installed.
    public var launcher: String?
    /// This process's environment, the source of the allow-listed variables.
    public var environment: [String: String]

    /// Variables every sandboxed command gets (when set here): enough for shells, compilers and test runners.
    public static let baseVariables = [
        "PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "TERM", "TZ", "SHELL",
    ]

    /// Credential stores under home that stay hidden even when home is (inside) the workspace.
    static let secretHomeEntries = [
        ".openkoi", ".ssh", ".aws", ".gnupg", ".netrc", ".git-credentials", ".docker", ".kube", ".config",
        ".cargo/credentials", ".cargo/credentials.toml", ".npmrc", ".pypirc", ".azure", ".password-store",
    ]

    public init(
        mode: SandboxMode = .workspaceWrite, allowsNetwork: Bool = false, passedVariables: [String] = [],
        hiddenPaths: [String] = [], environment: [String: String] = Subprocess.inheritedEnvironment,
        launcher: String?? = nil
    ) {
        self.mode = mode
        self.allowsNetwork = allowsNetwork
        self.passedVariables = passedVariables
        self.hiddenPaths = hiddenPaths
        self.environment = environment
        self.launcher = launcher ?? Self.findLauncher(path: environment["PATH"])
    }

    /// Why commands cannot run in this sandbox, or nil when they can.
    public var unavailableReason: String? {
        guard mode != .off, launcher == nil else { return nil }
        return """
            the command sandbox (\(mode.rawValue)) needs bubblewrap (`bwrap`), which is not installed: \
            install it (apt-get install bubblewrap), or run without a sandbox with --sandbox off \
            ([tools] sandbox = "off")
            """
    }

    /// Runs `command` in `workspace` under this sandbox, with `extraVariables` (e.g. `CI=true`) set:
    /// the one way model-written code is run.
    /// - Parameter spillPath: where output too long to hold in memory is saved in full (`Subprocess.spillPath`).
    /// - Throws: `CommandNotRun` when the command could not run: no bwrap, the process could not be
    ///   started, or bwrap itself failed before the command began.
    public func run(
        _ command: Subprocess.Command, workspace: String, extraVariables: [String: String] = [:], timeout: Double?,
        spillPath: String? = nil
    ) async throws(CommandNotRun) -> SubprocessResult {
        var process = try subprocess(command, workspace: workspace, extraVariables: extraVariables, timeout: timeout)
        process.spillPath = spillPath
        let result: SubprocessResult
        do {
            result = try await process.run()
        } catch {
            throw CommandNotRun(message: error.message)
        }
        if let failure = startFailure(result) { throw CommandNotRun(message: failure) }
        return result
    }

    /// The process to run for `command` in `workspace`, with `extraVariables` set.
    func subprocess(
        _ command: Subprocess.Command, workspace: String, extraVariables: [String: String] = [:],
        timeout: Double?
    ) throws(CommandNotRun) -> Subprocess {
        if let unavailableReason { throw CommandNotRun(message: unavailableReason) }
        guard mode != .off, let launcher else {
            let environment = CommandEnvironment.withoutSecrets(environment).merging(extraVariables) { $1 }
            return Subprocess(
                command, workingDirectory: workspace, environment: environment, timeout: timeout)
        }
        let arguments = [launcher] + mountArguments(workspace: workspace) + ["--"] + command.arguments
        return Subprocess(
            .argv(arguments), workingDirectory: workspace, environment: sandboxEnvironment(extraVariables),
            timeout: timeout)
    }

    /// Why bwrap itself failed before running the command (no user namespaces, a bad mount), if it did.
    func startFailure(_ result: SubprocessResult) -> String? {
        guard mode != .off, result.exitCode == 1 else { return nil }
        let text = result.errorOutput.isEmpty ? result.output : result.errorOutput
        guard text.hasPrefix("bwrap: ") else { return nil }
        let line = text.split(separator: "\n").first.map(String.init) ?? text
        return "the command sandbox could not start (\(line)); run with --sandbox off if this machine cannot run it"
    }

    /// What a sandboxed command can and cannot do, for tool descriptions the model reads.
    public var summary: String {
        switch mode {
        case .off: return ""
        case .readOnly:
            return "It runs in a sandbox: the file system is read-only (only /tmp is writable and is discarded)"
                + (allowsNetwork ? "." : " and there is no network access.")
        case .workspaceWrite:
            return "It runs in a sandbox: only the workspace and /tmp are writable"
                + (allowsNetwork ? "." : " and there is no network access.")
        }
    }

    /// The allow-listed environment: bwrap passes its own environment on to the command.
    func sandboxEnvironment(_ extra: [String: String]) -> [String: String] {
        var result: [String: String] = [:]
        for name in Self.baseVariables + passedVariables {
            if let value = environment[name] { result[name] = value }
        }
        result["PATH"] = result["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        result["TMPDIR"] = "/tmp"
        return result.merging(extra) { $1 }
    }

    /// bwrap's options; order matters, as later mounts cover earlier ones.
    func mountArguments(workspace: String) -> [String] {
        var arguments = [
            "--die-with-parent", "--new-session", "--unshare-all", "--ro-bind", "/", "/", "--dev", "/dev",
            "--proc", "/proc", "--tmpfs", "/tmp",
        ]
        if allowsNetwork { arguments.append("--share-net") }
        // Visible inside: everything outside home (read-only), the workspace, and re-bound toolchains.
        var visible: [String] = []
        let home = environment["HOME"].flatMap(Workspace.realPath).flatMap { $0 == "/" ? nil : $0 }
        if let home {
            arguments += ["--tmpfs", home]
            // Toolchains installed under home (pyenv, cargo, nvm) must still run: their top-level
            // directories come back read-only.
            for directory in toolchainDirectories(home: home) {
                arguments += ["--ro-bind", directory, directory]
                visible.append(directory)
            }
        }
        let workspace = Workspace.realPath(workspace) ?? workspace
        arguments += [mode == .workspaceWrite ? "--bind" : "--ro-bind", workspace, workspace]
        visible.append(workspace)
        var hidden = hiddenPaths.compactMap(Workspace.realPath)
        if let home { hidden += Self.secretHomeEntries.map { home + "/" + $0 } }
        for path in Set(hidden).sorted() {
            let underHome = home.map { Workspace.path(path, isInside: $0) } ?? false
            let shown = !underHome || visible.contains { Workspace.path(path, isInside: $0) }
            // A hidden directory that holds the workspace would cover the workspace itself.
            guard shown, !Workspace.path(workspace, isInside: path), let info = FileSystem.info(path) else { continue }
            arguments += info.kind == .directory ? ["--tmpfs", path] : ["--ro-bind", "/dev/null", path]
        }
        arguments += ["--chdir", workspace]
        return arguments
    }

    /// `PATH` entries under home, as their first directory below home (`~/.pyenv/shims` → `~/.pyenv`).
    func toolchainDirectories(home: String) -> [String] {
        let entries = (environment["PATH"] ?? "").split(separator: ":").compactMap { Workspace.realPath(String($0)) }
        var directories: [String] = []
        for entry in entries where entry.hasPrefix(home + "/") {
            guard let first = entry.dropFirst(home.count + 1).split(separator: "/").first else { continue }
            let directory = home + "/" + first
            if !directories.contains(directory), FileSystem.info(directory)?.kind == .directory {
                directories.append(directory)
            }
        }
        return directories
    }

    static func findLauncher(path: String?) -> String? { executable(named: "bwrap", path: path) }

    /// The first executable `name` in `path`'s directories (then /usr/bin and /bin); a name with a
    /// slash is checked as it is.
    public static func executable(named name: String, path: String?) -> String? {
        if name.contains("/") { return FileSystem.info(name)?.kind == .file && access(name, X_OK) == 0 ? name : nil }
        let directories = (path ?? "").split(separator: ":").map(String.init) + ["/usr/bin", "/bin"]
        for directory in directories where !directory.isEmpty {
            let candidate = directory + "/" + name
            if FileSystem.info(candidate)?.kind == .file, access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}

/// A command that did not run (bubblewrap missing, the process or the sandbox could not start); the
/// message says why and, where it can, how to fix it.
public struct CommandNotRun: Error, Sendable, Hashable {
    public var message: String
}

#if canImport(Glibc)
    import Glibc
#endif
