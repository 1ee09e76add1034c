import ArgumentParser
import FoundationEssentials
import OpenKoiCore

/// `openkoi batch tasks.jsonl --concurrency N`: many tasks through one pipeline; one JSON result
/// line per task on stdout, in the order they finish.
struct Batch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run tasks from a JSONL file concurrently.",
        discussion: """
            Each input line is a JSON object: {"task": "...", "id": "...", "model": "provider/model",
            "max_iterations": 3, "quality": 0.8}; only "task" is required. Each output line has id, status
            (accepted, accepted_best, stopped, failed), output, score, iterations, tokens, cost_usd and error.
            A bad input line yields a failed result naming its line number; the other tasks still run.
            Exit code: 0 when every task was accepted, 1 when one failed (or results could not be
            written), 2 when one was stopped by a budget or another breaker, 130 when interrupted.
            """)

    @Argument(help: "JSONL file of tasks, or - for stdin.")
    var file: String

    @Option(
        help: "Tasks run at once (1–\(Self.maxConcurrency)); without it, [pipeline] executors and max_in_flight apply.")
    var concurrency: Int?

    /// More tasks in flight than this only queues them inside the model server; the bound keeps a
    /// typo (`--concurrency 1000000`) from exhausting memory.
    static let maxConcurrency = PipelineConfig.maxWorkers

    @Flag(help: "No per-task progress lines on stderr.")
    var quiet = false

    @OptionGroup var options: TaskOptions

    func validate() throws {
        if let concurrency, !(1...Self.maxConcurrency).contains(concurrency) {
            throw ValidationError("--concurrency must be between 1 and \(Self.maxConcurrency), got \(concurrency)")
        }
    }

    func run() throws {
        let (session, policy, lines) = try reportingCLIErrors {
            let session = try Session(options: options.overrides)
            return (session, session.policy(), try readLines())
        }
        let concurrency = self.concurrency
        let quiet = self.quiet
        let code = BlockingRunner.run {
            await runBatch(session: session, lines: lines, policy: policy, concurrency: concurrency, quiet: quiet)
        }
        if code != 0 { throw ExitCode(code) }
    }

    func readLines() throws -> [String?] {
        let bytes: [UInt8]
        if file == "-" {
            // Raw bytes, so an invalid UTF-8 line fails by its number here too (not silently replaced).
            bytes = StandardStreams.readStdinBytes()
        } else {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CLIError("cannot read batch file \(file): no such file or not readable")
            }
            bytes = Array(data)
        }
        return BatchLine.lines(bytes)
    }
}

func runBatch(session: Session, lines: [String?], policy: TaskPolicy, concurrency: Int?, quiet: Bool) async -> Int32 {
    let bus = EventBus()
    let state = bus.subscribe()
    let recorder = session.stateRecorder(tracksCurrentTask: false)
    // Outside the work's task, so a Ctrl-C does not end the (lossless) history before the last results.
    let recorded = Task { await recorder.record(state) }
    let configuration = session.pipelineConfiguration(concurrency: concurrency)
    // Tasks submitted at once: the pipeline's admission limit, so the file is read as capacity frees up.
    let window = configuration.maxInFlight
    let pipeline = Pipeline(configuration: configuration, services: session.services(events: bus, channel: "batch"))
    let webhooks = SessionWebhooks(session: session)
    // Subscribed before the task starts, so no warning is published before anyone listens.
    let budgetWarnings = webhooks.map { hooks in
        let events = bus.subscribe()
        return Task { await hooks.watch(events) }
    }
    var results: [TaskResult] = []

    var outcome = BatchOutcome()
    var finished = 0
    func emit(_ result: TaskResult) {
        if let failure = StandardStreams.writeResult(ResultDocument(result).jsonLine + "\n"),
            outcome.writeFailure == nil
        {
            outcome.writeFailure = failure
            session.console.error("could not write results to standard output: \(failure)")
        }
        finished += 1
        outcome.count(result)
        if webhooks != nil { results.append(result) }
        if !quiet {
            let score = result.score.map { NumberText.fixed($0, decimals: 2) } ?? "n/a"
            let id = TerminalText.escaped(result.taskID)
            StandardStreams.err("[batch] \(finished) done: \(id) \(result.status.rawValue) score=\(score)\n")
        }
    }

    await withTaskGroup(of: TaskResult.self) { group in
        var running = 0
        for (index, line) in lines.enumerated() {
            switch BatchLine(line, number: index + 1, policy: policy) {
            case .blank: continue
            case .invalid(let id, let message):
                emit(
                    TaskResult(
                        taskID: id, description: "", output: "", score: nil, iterations: 0, bestIteration: nil,
                        decision: .failed,
                        usage: .zero, costUSD: 0, durationMS: 0, error: message, findings: [], model: ""))
            case .task(let spec):
                if running >= window, let result = await group.next() {
                    running -= 1
                    emit(result)
                }
                group.addTask { await pipeline.submit(spec) }
                running += 1
            }
        }
        for await result in group { emit(result) }
    }
    await pipeline.shutdown()
    bus.finish()
    await recorded.value
    await budgetWarnings?.value
    await webhooks?.finish(results)
    if Task.isCancelled { outcome.interrupted = true } else { await PatternUpkeep(session: session).afterTasks() }
    return outcome.exitCode
}

/// How a batch ended, as one exit code (README, "Batch exit codes").
struct BatchOutcome {
    var failed = 0
    var stopped = 0
    var interrupted = false
    var writeFailure: String?

    mutating func count(_ result: TaskResult) {
        switch result.status {
        case .failed: failed += 1
        case .stopped:
            stopped += 1
            if result.decision == .cancelled { interrupted = true }
        case .accepted, .acceptedBest: break
        }
    }

    /// 130 interrupted; 1 a task failed or results were lost; 2 a task was stopped by a breaker;
    /// 0 every task was accepted.
    var exitCode: Int32 {
        if interrupted { return 130 }
        if failed > 0 || writeFailure != nil { return 1 }
        return stopped > 0 ? 2 : 0
    }
}
