import OpenKoiCore

/// `run_command {command, timeout_seconds?}`: a shell command in the workspace, under the approval policy.
struct RunCommandTool: BuiltinTool {
    let access: WorkspaceAccess
    let policy: CommandPolicy
    let sandbox: CommandSandbox
    let defaultTimeout: Double

    /// The model may ask for longer than the default (a full build), but not without bound.
    var maxTimeout: Double { max(defaultTimeout, 1800) }

    var definition: ToolDefinition {
        ToolDefinition(
            name: "run_command",
            description: """
                Run a shell command (/bin/sh -c) in the workspace root and return its exit code and combined \
                stdout/stderr. Standard input is empty; nothing is interactive. The command and everything it \
                starts are killed after the timeout (default \(Self.format(defaultTimeout)) s, at most \
                \(Self.format(maxTimeout)) s), and background processes do not outlive it. Commands may be \
                refused by the user's approval policy; the result then says how to allow them. \(sandbox.summary)
                """,
            parameters: Schema.object(
                [
                    "command": Schema.string("The shell command line, e.g. \"swift build 2>&1 | tail -50\"."),
                    "timeout_seconds": Schema.number(
                        "Seconds before the command is killed. Default \(Self.format(defaultTimeout)), at most \(Self.format(maxTimeout))."
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

        let process: Subprocess
        do {
            process = try sandbox.subprocess(.shell(command), workspace: workspace.root, timeout: timeout)
        } catch {
            throw ToolFailure("run_command: \(error.message)")
        }
        let result: SubprocessResult
        do {
            result = try await process.run()
        } catch {
            throw ToolFailure("run_command: \(error.message)")
        }
        if let failure = sandbox.startFailure(result) { throw ToolFailure("run_command: \(failure)") }

        var output = result.output
        if result.droppedBytes > 0 {
            output = "[… first \(result.droppedBytes) bytes of output dropped …]\n" + output
        }
        if output.isEmpty { output = "(no output)" }
        if result.timedOut {
            return ToolOutcome(
                content:
                    "Command timed out after \(Self.format(timeout)) s and was killed with everything it started. Output before that:\n\(output)",
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

    static func format(_ seconds: Double) -> String {
        seconds.rounded() == seconds && abs(seconds) < 1e15 ? String(Int64(seconds)) : String(seconds)
    }
}
