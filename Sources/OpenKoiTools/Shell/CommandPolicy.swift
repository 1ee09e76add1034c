import OpenKoiCore

/// Which shell commands `run_command` may run without a person approving each one.
public enum CommandPolicy: Sendable, Hashable {
    /// The user passed `--yes`.
    case allowAll
    /// Only commands starting with one of these prefixes (`[tools] allow_commands` in config.toml).
    case allowList([String])
    /// Non-interactive run without `--yes` and nothing allowed in config.
    case refuseAll

    /// The policy for a run: `--yes` allows everything, otherwise the configured prefixes (if any).
    public init(assumeYes: Bool, allowedPrefixes: [String]) {
        let prefixes = allowedPrefixes.map { $0.trimmed }.filter { !$0.isEmpty }
        if assumeYes {
            self = .allowAll
        } else if prefixes.isEmpty {
            self = .refuseAll
        } else {
            self = .allowList(prefixes)
        }
    }

    /// `nil` when `command` may run; otherwise the reason it may not, written for the model to relay.
    public func refusal(for command: String) -> String? {
        switch self {
        case .allowAll:
            return nil
        case .refuseAll:
            return """
                Command not run: this run is non-interactive and shell commands need approval. \
                To allow them, re-run openkoi with --yes (allows every command), or list safe command \
                prefixes in config.toml under [tools], e.g. allow_commands = ["swift test", "git status"]. \
                Continue without running commands if you can.
                """
        case .allowList(let prefixes):
            let trimmed = command.trimmed
            if let operatorText = Self.shellOperator(in: trimmed) {
                return """
                    Command not run: it contains the shell operator '\(operatorText)', and commands allowed by \
                    [tools] allow_commands must be single commands (an allowed prefix must not smuggle in \
                    another command). Run each command separately, or re-run openkoi with --yes.
                    """
            }
            if prefixes.contains(where: { Self.command(trimmed, startsWith: $0) }) { return nil }
            let list = prefixes.map { "'\($0)'" }.joined(separator: ", ")
            return """
                Command not run: it does not start with a prefix listed in [tools] allow_commands \
                (allowed: \(list)) and this run is non-interactive without --yes. To allow it, add its \
                prefix to allow_commands in config.toml, or re-run openkoi with --yes.
                """
        }
    }

    /// Whole-word prefix match: "git status" allows "git status -s" but not "git statusx".
    private static func command(_ command: String, startsWith prefix: String) -> Bool {
        let prefix = prefix.trimmed
        guard command.hasPrefix(prefix) else { return false }
        let rest = command.dropFirst(prefix.count)
        guard let next = rest.first else { return true }
        return next == " " || next == "\t" || prefix.last == " "
    }

    /// The first operator that would let an allowed prefix run something else, if any.
    private static func shellOperator(in command: String) -> String? {
        let operators = [";", "&", "|", "`", "$(", ">", "<", "\n", "\r"]
        return operators.first { command.contains($0) }
    }
}
