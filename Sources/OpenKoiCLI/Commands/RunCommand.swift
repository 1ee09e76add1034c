import ArgumentParser
import OpenKoiCore

/// `openkoi [options] <task…>`: one task through the pipeline, best answer on stdout.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run one task (the default command).")

    @OptionGroup var options: TaskOptions

    @Flag(help: "Print only the result, no progress.")
    var quiet = false

    @Flag(help: "Print one JSON object: output, score, iterations, decision, tokens, cost_usd, duration_ms.")
    var json = false

    @Flag(help: "Read the task from stdin (piped stdin is read too).")
    var stdin = false

    @Flag(name: .customLong("select-model"), help: "Choose the model from a list (same as -m ?).")
    var selectModel = false

    @Argument(help: "The task, in words. Options may come before or after it.")
    var task: [String] = []

    func run() throws {
        let text = try taskText()
        let quiet = self.quiet
        let json = self.json
        var options = self.options
        if selectModel { options.model = "?" }
        let (session, policy) = try reportingCLIErrors {
            var session = try Session(options: options.overrides, quiet: quiet || json)
            if ModelPicker.isRequest(options.model) {
                options.model = try ModelPicker.choose(session)
                session = try Session(options: options.overrides, quiet: quiet || json)
            }
            return (session, session.policy())
        }
        let code = BlockingRunner.run {
            await execute(session: session, spec: TaskSpec(description: text, policy: policy), quiet: quiet, json: json)
        }
        if code != 0 { throw ExitCode(code) }
    }

    /// Words, `--stdin`, or piped stdin, combined as in the reference (§1.1).
    func taskText() throws -> String {
        let words = task.joined(separator: " ").trimmed
        var piped = ""
        // Piped stdin joins the task (reference §1.1). With task words given, a pipe that stays silent
        // for 200 ms is taken as "no input" (use --stdin to wait for a slow producer).
        let piping = StandardStreams.stdinHasData && !StandardStreams.stdinIsTerminal
        if stdin || (piping && (task.isEmpty || StandardStreams.stdinReady(withinMilliseconds: 200))) {
            piped = StandardStreams.readStdin().trimmed
            if stdin, piped.isEmpty { throw ValidationError("--stdin was given but stdin is empty") }
        }
        switch (words.isEmpty, piped.isEmpty) {
        case (false, false): return "\(words)\n\n---\n\n\(piped)"
        case (false, true): return words
        case (true, false): return piped
        case (true, true):
            throw ValidationError("No task given. Usage: openkoi \"<task>\"  (or pipe it in, or see openkoi --help)")
        }
    }
}

/// Runs the task with progress and state observers, prints the result, returns the exit code.
func execute(session: Session, spec: TaskSpec, quiet: Bool, json: Bool) async -> Int32 {
    let bus = EventBus()
    // `--json` keeps stderr quiet unless the log level asks for more (scripts that keep a log).
    let showProgress = !quiet && (!json || session.config.logLevel >= .info)
    let progress = showProgress ? bus.subscribe(buffering: .bufferingNewest(4096)) : nil
    let state = bus.subscribe()
    let pipeline = Pipeline(
        configuration: session.pipelineConfiguration(), services: session.services(events: bus))
    let renderer = ProgressRenderer(streamOutput: StandardStreams.stderrIsTerminal)
    let recorder = session.stateRecorder(tracksCurrentTask: true)
    // Observers run outside the work's task: Ctrl-C cancels the work, and the observers must still
    // see its `finished` event (history is lossless; the progress shows the cancellation).
    let rendered = Task { if let progress { await renderer.render(progress) } }
    let recorded = Task { await recorder.record(state) }
    let webhooks = SessionWebhooks(session: session)
    // Subscribed before the task starts, so no warning is published before anyone listens.
    let budgetWarnings = webhooks.map { hooks in
        let events = bus.subscribe()
        return Task { await hooks.watch(events) }
    }

    let result = await pipeline.submit(spec)

    var writeFailure: String?
    if json {
        writeFailure = StandardStreams.writeResult(ResultDocument(result).jsonLine + "\n")
    } else if !result.output.isEmpty {
        writeFailure = StandardStreams.writeResult(
            result.output.hasSuffix("\n") ? result.output : result.output + "\n")
    }
    if !json, let error = result.error, result.decision == .failed || quiet {
        session.console.error(error)
    }
    // The answer is out; memory records the run and its lessons before the process ends.
    await pipeline.shutdown()
    bus.finish()
    await rendered.value
    await recorded.value
    await budgetWarnings?.value
    await webhooks?.finish([result])
    // Mines usage patterns when `[patterns] mine_interval_hours` have passed (and may propose a skill).
    if !Task.isCancelled { await PatternUpkeep(session: session).afterTasks() }
    if let writeFailure {
        session.console.error("could not write the result to standard output: \(writeFailure)")
        return 1
    }
    return result.decision.exitCode
}
