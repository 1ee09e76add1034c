import FoundationEssentials
import Glibc
import OpenKoiCore
import Testing

extension CLISandbox {
    /// Runs the binary with `input` as its stdin (not a terminal), as `echo "$KEY" | openkoi …` does.
    func run(_ arguments: [String], stdin input: String, environment: [String: String] = [:]) async throws -> CLIRun {
        let path = root + "/stdin.txt"
        guard FileManager.default.createFile(atPath: path, contents: Data(input.utf8)) else {
            throw CLITestError("cannot write \(path)")
        }
        return try await runShell(arguments, redirect: "< '\(path)'", environment: environment)
    }

    var credentialsDirectory: String { openkoiHome + "/credentials" }
    var authFile: String { openkoiHome + "/auth.json" }
    var configFile: String { openkoiHome + "/config.toml" }

    /// `auth.json` parsed; a test failure when it is missing or not JSON.
    func authJSON(sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
        let text = try #require(read(authFile), "no \(authFile)", sourceLocation: sourceLocation)
        return try #require(JSONValue.parse(text), "auth.json is not JSON: \(text)", sourceLocation: sourceLocation)
    }
}

/// The permission bits of `path` (`0o600`), or `nil` when it does not exist.
func permissions(of path: String) -> mode_t? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return info.st_mode & 0o777
}
