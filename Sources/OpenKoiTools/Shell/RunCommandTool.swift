import FoundationEssentials
import OpenKoiCore

/// `run_command {command, timeout_seconds?}`: a shell command in the workspace, under the approval policy.
struct RunCommandTool: BuiltinTool {
    let access: WorkspaceAccess
    let policy: CommandPolicy
    let sandbox: CommandSandbox
    let defaultTimeout: Double
    /// Where output too long to hold in memory is saved in full (`BuiltinToolBox`'s tool-output dir).
    let outputDirectory: String

    /// The model may ask for longer than the default (a full build), but not without bound.
    var maxTimeout: Double { max(defaultTimeout, 1800) }

    var definition: ToolDefinition {
        ToolDefinition(
            name: "run_command",
            description: """
                Run a shell command (/bin/sh -c) in the workspace root and return its exit code and combined \
                stdout/stderr. Standard input is empty; nothing is interactive. The command and everything it \
                starts are killed after the timeout (default \(NumberText.plain(defaultTimeout)) s, at most \
                \(NumberText.plain(maxTimeout)) s), and background processes do not outlive it. Commands may be \
                refused by the user's approval policy; the result then says how to allow them. \(sandbox.summary)
                """,
            parameters: Schema.object(
                [
                    "command": Schema.string("The shell command line, e.g. \"swift build 2>&1 | tail -50\"."),
                    "timeout_seconds": Schema.number(
                        "Seconds before the command is killed. Default \(NumberText.plain(defaultTimeout)), at most \(NumberText.plain(maxTimeout))."
                    ),
                ], required: ["command"]))
    }

    func run(_ arguments: ToolArguments) async throws(ToolFailure) -> ToolOutcome {
        let command = try arguments.string("command")
        guard !command.trimmed.isEmpty else { throw ToolFailure("run_command: 'command' is empty") }
        var timeout = defaultTimeout
        if let requested = try arguments.optionalDouble("timeout_seconds") {
            guard requested.isFinite, requested > 0 else {
                throw ToolFailure(
                    "run_command: 'timeout_seconds' must be a positive number of seconds, got \(requested)")
            }
            timeout = min(requested, maxTimeout)
        }
        if let refusal = policy.refusal(for: command) {
            return ToolOutcome(content: refusal, isError: true)
        }
        let workspace = try access.workspace

        let result: SubprocessResult
        do {
            result = try await sandbox.run(
                .shell(command), workspace: workspace.root, timeout: timeout, spillPath: spillPath())
        } catch {
            throw ToolFailure("run_command: \(error.message)")
        }

        var output = result.output
        if let saved = result.savedOutputPath {
            let total = result.droppedBytes + output.utf8.count
            let tail = Self.tail(output, maxBytes: Self.shownTailBytes)
            output =
                "[Output: \(total) bytes, saved in full to \(saved); the last \(tail.utf8.count) bytes follow]\n" + tail
        } else if result.droppedBytes > 0 {
            let reason = result.saveFailure.map { " (the full output could not be saved: \($0))" } ?? ""
            output = "[… first \(result.droppedBytes) bytes of output dropped\(reason) …]\n" + output
        }
        if output.isEmpty { output = "(no output)" }
        if result.timedOut {
            return ToolOutcome(
                content:
                    "Command timed out after \(NumberText.plain(timeout)) s and was killed with everything it started. Output before that:\n\(output)",
                isError: true)
        }
        if result.cancelled {
            return ToolOutcome(
                content: "Command cancelled; it was killed with everything it started.\n\(output)", isError: true)
        }
        var header = "Exit code: \(result.exitCode)"
        if let signal = result.terminatingSignal { header += " (killed by signal \(signal))" }
        if result.exitCode == 127 { header += " (command not found?)" }
        // A failing command is information (a test failure, a compiler error), not a broken tool call.
        return ToolOutcome(content: header + "\n" + output)
    }

    /// Of an output too long to hold in memory, this much of the end is shown (a build's errors and a
    /// test run's summary are at the end); the rest is in the saved file.
    static let shownTailBytes = 32 << 10

    /// A fresh name in the output directory (created 0700 only if the output spills).
    private func spillPath() -> String {
        let stamp = Int64(Date().timeIntervalSince1970 * 1000)
        return outputDirectory + "/command-\(stamp)-\(String(UInt32.random(in: 0...UInt32.max), radix: 16)).txt"
    }

    /// Lines of such an output shown, within the truncator's line limit so the tail is not cut again.
    static let shownTailLines = 1000

    /// The last `maxLines` lines of `text`, at most `maxBytes` of them, from the start of a line when
    /// one begins in them.
    static func tail(_ text: String, maxBytes: Int, maxLines: Int = shownTailLines) -> String {
        let newline = UInt8(ascii: "\n")
        let utf8 = Array(text.utf8)
        var start = max(0, utf8.count - maxBytes)
        if start > 0, let next = utf8[start...].firstIndex(of: newline), next + 1 < utf8.count { start = next + 1 }
        while start < utf8.count, utf8[start] & 0xC0 == 0x80 { start += 1 }
        // A final newline ends the last line; it does not start another.
        let lines = utf8[start...].split(separator: newline, omittingEmptySubsequences: false)
        let first = lines.suffix(maxLines + (utf8.last == newline ? 1 : 0)).first?.startIndex ?? utf8.count
        return String(decoding: utf8[first...], as: UTF8.self)
    }
}
