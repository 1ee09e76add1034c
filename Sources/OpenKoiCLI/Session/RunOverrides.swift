/// The task flags a `Session` honours over the config, as plain values. Commands that take no task
/// flags build one directly: an ArgumentParser parse of `TaskOptions` alone costs ~1.5 ms of
/// reflection, a third of `openkoi status`'s budget.
struct RunOverrides: Sendable {
    var model: String?
    var iterate: Int?
    var quality: Double?
    var yes = false
    var config: String?
    var budget: Double?
    var budgetTokens: Int?
    var timeout: Double?
    var workspace: String?
    var sandbox: String?

    /// Options for commands that only read the config (no task flags).
    static func forConfig(_ path: String?) -> RunOverrides { RunOverrides(config: path) }
}

extension TaskOptions {
    /// The parsed flags (already validated by `validate()`).
    var overrides: RunOverrides {
        RunOverrides(
            model: model, iterate: iterate, quality: quality, yes: yes, config: config, budget: budget,
            budgetTokens: budgetTokens, timeout: timeout, workspace: workspace, sandbox: sandbox)
    }
}
