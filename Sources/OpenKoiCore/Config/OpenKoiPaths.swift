import FoundationEssentials
/// Where OpenKoi keeps its files, resolved once from the environment (reference §4.3).
///
/// Config dir (`$OPENKOI_HOME` or `~/.openkoi`): config, credentials, state, caches.
/// Data dir (`$OPENKOI_DATA`, `$OPENKOI_HOME/data`, or the platform data dir): database, skills,
/// tool output, plugins.
public struct OpenKoiPaths: Sendable, Hashable {
    public let configDir: String
    public let dataDir: String
    /// `$OPENKOI_CONFIG`, else `<configDir>/config.toml`.
    public let configFile: String

    /// Resolves the directories; empty variables count as unset, and a leading `~` means `$HOME`.
    public init(environment: [String: String]) {
        func variable(_ name: String) -> String? {
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
        let home = Self.trimmed(variable("HOME") ?? Self.currentUserHome())
        func expand(_ path: String) -> String {
            if path == "~" { return home }
            if path.hasPrefix("~/") { return home + path.dropFirst() }
            return Self.trimmed(path)
        }

        let openkoiHome = variable("OPENKOI_HOME").map(expand)
        let configDir = openkoiHome ?? home + "/.openkoi"
        let dataDir: String
        if let explicit = variable("OPENKOI_DATA") {
            dataDir = expand(explicit)
        } else if let openkoiHome {
            dataDir = openkoiHome + "/data"
        } else {
            dataDir = Self.platformDataDir(home: home, xdgDataHome: variable("XDG_DATA_HOME"))
        }
        self.init(configDir: configDir, dataDir: dataDir, configFile: variable("OPENKOI_CONFIG").map(expand))
    }

    /// Explicit directories, for tests and embedding.
    public init(configDir: String, dataDir: String, configFile: String? = nil) {
        self.configDir = configDir
        self.dataDir = dataDir
        self.configFile = configFile ?? configDir + "/config.toml"
    }

    // MARK: Config dir

    /// `current-task.json` and `task-history.jsonl`.
    public var stateDir: String { configDir + "/state" }
    /// Provider model lists and other re-fetchable data.
    public var cacheDir: String { configDir + "/cache" }
    /// API keys and integration tokens (0600 files in a 0700 dir).
    public var credentialsDir: String { configDir + "/credentials" }
    public var authFile: String { configDir + "/auth.json" }
    public var soulFile: String { configDir + "/SOUL.md" }
    public var currentTaskFile: String { stateDir + "/current-task.json" }
    public var taskHistoryFile: String { stateDir + "/task-history.jsonl" }

    // MARK: Data dir

    public var dbFile: String { dataDir + "/openkoi.db" }
    public var daemonPIDFile: String { dataDir + "/daemon.pid" }
    /// Full outputs of tool calls that were truncated in the conversation.
    public var toolOutputDir: String { dataDir + "/tool-output" }
    /// Holds `managed/`, `user/` and `proposed/` skill folders.
    public var skillsDir: String { dataDir + "/skills" }
    public var pluginsDir: String { dataDir + "/plugins" }

    /// Every directory OpenKoi writes into, parents first.
    public var directories: [String] {
        [
            configDir, stateDir, cacheDir, credentialsDir, dataDir, toolOutputDir, skillsDir,
            skillsDir + "/managed", skillsDir + "/user", skillsDir + "/proposed", pluginsDir,
        ]
    }

    /// Creates every directory in `directories` that is missing, with mode 0700 (they hold
    /// credentials and task data). Existing directories keep their mode, except the credentials
    /// directory, which is always tightened to 0700.
    public func ensureDirectories() throws(ConfigError) {
        let files = FileManager.default
        for directory in directories {
            do {
                if let attributes = try? files.attributesOfItem(atPath: directory) {
                    guard Self.isDirectory(attributes) else {
                        throw ConfigError.directory(directory, reason: "a file is in the way")
                    }
                    if directory == credentialsDir {
                        try files.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory)
                    }
                    continue
                }
                // Parents outside OpenKoi's own tree (`~/.local/share`) get the usual permissions.
                let parent = Self.parent(of: directory)
                if !parent.isEmpty, !files.fileExists(atPath: parent) {
                    try AtomicFile.makeDirectories(parent, mode: 0o755)
                }
                try AtomicFile.makeDirectories(directory, mode: 0o700)
            } catch let error as ConfigError {
                throw error
            } catch {
                throw ConfigError.directory(directory, reason: "\(error)")
            }
        }
    }

    // MARK: Resolution helpers

    private static func platformDataDir(home: String, xdgDataHome: String?) -> String {
        #if os(macOS)
            return home + "/Library/Application Support/openkoi"
        #else
            // The XDG spec says relative values are invalid and must be ignored.
            if let xdgDataHome, xdgDataHome.hasPrefix("/") { return trimmed(xdgDataHome) + "/openkoi" }
            return home + "/.local/share/openkoi"
        #endif
    }

    private static func isDirectory(_ attributes: [FileAttributeKey: Any]) -> Bool {
        let type = attributes[.type]
        return (type as? FileAttributeType) == .typeDirectory
            || (type as? String) == FileAttributeType.typeDirectory.rawValue
    }

    private static func currentUserHome() -> String {
        FileManager.default.homeDirectoryForCurrentUser.path(percentEncoded: false)
    }

    /// Drops trailing slashes so joined paths never contain `//` (but keeps `/` itself).
    private static func trimmed(_ path: String) -> String {
        var result = Substring(path)
        while result.count > 1, result.hasSuffix("/") { result = result.dropLast() }
        return String(result)
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
