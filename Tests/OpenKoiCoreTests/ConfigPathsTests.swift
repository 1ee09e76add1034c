import FoundationEssentials
import OpenKoiCore
import Testing

/// Directory layout from the environment (reference §4.3, plus the variables it only documented).
struct ConfigPathsTests {
    @Test func defaultsUnderHome() {
        let paths = OpenKoiPaths(environment: ["HOME": "/home/me"])
        #expect(paths.configDir == "/home/me/.openkoi")
        #expect(paths.configFile == "/home/me/.openkoi/config.toml")
        #expect(paths.stateDir == "/home/me/.openkoi/state")
        #expect(paths.cacheDir == "/home/me/.openkoi/cache")
        #expect(paths.credentialsDir == "/home/me/.openkoi/credentials")
        #expect(paths.authFile == "/home/me/.openkoi/auth.json")
        #expect(paths.currentTaskFile == "/home/me/.openkoi/state/current-task.json")
        #if os(macOS)
            #expect(paths.dataDir == "/home/me/Library/Application Support/openkoi")
        #else
            #expect(paths.dataDir == "/home/me/.local/share/openkoi")
            #expect(paths.dbFile == "/home/me/.local/share/openkoi/openkoi.db")
            #expect(paths.toolOutputDir == "/home/me/.local/share/openkoi/tool-output")
            #expect(paths.skillsDir == "/home/me/.local/share/openkoi/skills")
        #endif
    }

    @Test func xdgDataHomeWhenAbsolute() {
        #if !os(macOS)
            #expect(OpenKoiPaths(environment: ["HOME": "/h", "XDG_DATA_HOME": "/xdg/"]).dataDir == "/xdg/openkoi")
            #expect(
                OpenKoiPaths(environment: ["HOME": "/h", "XDG_DATA_HOME": "rel"]).dataDir == "/h/.local/share/openkoi")
        #endif
    }

    @Test func openkoiHomeMovesConfigAndData() {
        let paths = OpenKoiPaths(environment: ["HOME": "/h", "OPENKOI_HOME": "/srv/koi/", "XDG_DATA_HOME": "/xdg"])
        #expect(paths.configDir == "/srv/koi")
        #expect(paths.dataDir == "/srv/koi/data")
        #expect(paths.configFile == "/srv/koi/config.toml")
        #expect(paths.toolOutputDir == "/srv/koi/data/tool-output")
    }

    @Test func openkoiDataAndConfigWinOverHome() {
        let paths = OpenKoiPaths(environment: [
            "HOME": "/h", "OPENKOI_HOME": "/koi", "OPENKOI_DATA": "~/koi-data", "OPENKOI_CONFIG": "/etc/koi.toml",
        ])
        #expect(paths.configDir == "/koi")
        #expect(paths.dataDir == "/h/koi-data")
        #expect(paths.configFile == "/etc/koi.toml")
        #expect(paths.stateDir == "/koi/state")
    }

    @Test func emptyVariablesAreIgnoredAndTildeExpands() {
        let paths = OpenKoiPaths(environment: ["HOME": "/h/", "OPENKOI_HOME": "", "OPENKOI_CONFIG": "~"])
        #expect(paths.configDir == "/h/.openkoi")
        #expect(paths.configFile == "/h")
    }

    @Test func ensureDirectoriesCreatesThemPrivate() throws {
        let root =
            FileManager.default.temporaryDirectory.path(percentEncoded: false) + "/openkoi-paths-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let paths = OpenKoiPaths(environment: ["HOME": root, "XDG_DATA_HOME": root + "/xdg"])
        try paths.ensureDirectories()
        try paths.ensureDirectories()  // idempotent
        for directory in paths.directories {
            let attributes = try FileManager.default.attributesOfItem(atPath: directory)
            let mode = (attributes[.posixPermissions] as? Int).map { $0 & 0o777 }
            #expect(mode == 0o700, "\(directory)")
        }
        #expect(paths.directories.contains(paths.toolOutputDir))
        #expect(paths.directories.contains(paths.credentialsDir))
    }

    @Test func ensureDirectoriesReportsAFileInTheWay() throws {
        let root =
            FileManager.default.temporaryDirectory.path(percentEncoded: false) + "/openkoi-paths-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let paths = OpenKoiPaths(configDir: root + "/config", dataDir: root + "/data")
        try Data("x".utf8).write(to: URL(fileURLWithPath: root + "/config"))
        let error = #expect(throws: ConfigError.self) { try paths.ensureDirectories() }
        #expect(error?.description == "cannot create directory \(root)/config: a file is in the way")
    }
}
