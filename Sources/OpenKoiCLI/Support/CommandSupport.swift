import ArgumentParser

extension TaskOptions {
    /// Options for commands that only read the config (no task flags).
    static func forConfig(_ path: String?) -> TaskOptions {
        // Parsed, not built: ArgumentParser's wrappers have no value until a parse gives them one.
        // (Only `--config` is passed, and any path parses.)
        do {
            return try TaskOptions.parse(path.map { ["--config", $0] } ?? [])
        } catch {
            preconditionFailure("options holding only --config always parse: \(error)")
        }
    }
}

/// Prints `error: message` and returns the exit code to throw.
func reportedError(_ message: String, code: Int32 = 1) -> ExitCode {
    StandardStreams.err("error: \(TerminalText.escaped(message))\n")
    return ExitCode(code)
}
