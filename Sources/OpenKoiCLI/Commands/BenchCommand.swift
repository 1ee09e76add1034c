import ArgumentParser
import FoundationEssentials
import OpenKoiBench
import OpenKoiCore
import OpenKoiProviders

/// `openkoi bench SUITE -m A -m B`: every task × model × iteration setting × trial through the
/// pipeline, graded by the suite's checks, stored as it finishes, reported with refine curves and
/// paired statistics.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare models and iteration settings on a task suite (pass rate per iteration, cost).",
        discussion: """
            SUITE is a JSONL file, one task per line: {"id", "task", "files" (a directory copied as the \
            workspace), "check" (a shell command; exit 0 = pass), "expect" (text the answer must contain, \
            or {"regex": "..."}), "category", "max_iterations", "quality"}; or a directory of task folders, \
            each with task.txt, its starting files (workspace/ or the folder's other files) and a check \
            file or [check] in task.toml (command, timeout_seconds, restore = ["test_*.py"]: files put back \
            before the check runs). bench.toml at the suite's root sets [check] defaults.

            Each trial runs in a fresh copy of its task's files, with memory off and commands allowed \
            (inside the command sandbox). Every finished trial is stored in the data directory at once: \
            running the same command again resumes the run. Trials cancelled by an interrupt are run \
            again; trials still running when --budget is reached finish and are counted.

            Exit codes: 0 every trial ran; 1 an error, or suite lines/folders that could not be read \
            (the other tasks still run); 2 --budget stopped the run before every trial ran; 3 --baseline \
            found regressions (a task went pass → fail beyond the noise floor); 130 interrupted.
            """)

    @Argument(help: "The suite: a JSONL file or a directory of task folders.")
    var suite: String?

    @Option(name: [.short, .long], help: "A model to run, provider/model; repeat to compare.")
    var model: [String] = []

    @Option(name: [.short, .long], help: "Iteration settings, comma-separated.")
    var iterations = "1,3"

    @Option(help: "Trials per task, model and setting (default: 3 when comparing models, else 1).")
    var trials: Int?

    @Option(help: "Trials at once, per model.")
    var concurrency = 1

    @Option(help: "Re-ask the judge K times about trial 1's final answer of each task, model and setting.")
    var regrade = 0

    @Option(help: "Stop starting trials once the run's known cost reaches this many US dollars.")
    var budget: Double?

    @Option(help: "Name this run: the same settings under another name are a new run, not a resume.")
    var name: String?

    @Option(help: "A stored run (id, id prefix or --name) to gate against: print only regressions, exit 3 if any.")
    var baseline: String?

    @Flag(help: "The report as JSON on stdout (every trial included).")
    var json = false

    @Option(
        name: [.customShort("o"), .customLong("output")], help: "Also write the report to a .md, .json or .html file.")
    var output: String?

    @Flag(help: "List stored runs.")
    var list = false

    @Option(help: "Print a stored run's report (id, id prefix or --name).")
    var show: String?

    @Option(help: "Seconds a trial may run (default: [iteration] timeout_seconds).")
    var timeout: Double?

    @Option(help: "Sandbox for the agent's commands and the checks: read-only, workspace-write or off.")
    var sandbox: String?

    @Option(help: "Config file to load instead of ~/.openkoi/config.toml.")
    var config: String?

    @Flag(help: "No progress on stderr.")
    var quiet = false

    func validate() throws {
        if list || show != nil {
            guard suite == nil, model.isEmpty else {
                throw ValidationError("--list and --show read stored runs; they take no suite or --model")
            }
            return
        }
        guard suite != nil else { throw ValidationError("give a suite (a JSONL file or a directory), or --list") }
        guard !model.isEmpty else { throw ValidationError("give at least one --model provider/model") }
        guard Set(model).count == model.count else { throw ValidationError("--model lists a model twice") }
        _ = try settingsList()
        if let trials, !(1...100).contains(trials) { throw ValidationError("--trials must be from 1 to 100") }
        if !(1...Batch.maxConcurrency).contains(concurrency) {
            throw ValidationError("--concurrency must be from 1 to \(Batch.maxConcurrency)")
        }
        if let name, !(1...64).contains(name.count) || name.contains(where: \.isNewline) {
            throw ValidationError("--name must be 1 to 64 characters on one line")
        }
        if !(0...10).contains(regrade) { throw ValidationError("--regrade must be from 0 to 10") }
        if let budget, !(budget > 0) { throw ValidationError("--budget must be a positive number of US dollars") }
        if let timeout, !(timeout > 0) { throw ValidationError("--timeout must be a positive number of seconds") }
        if let output, ReportFile.Format(path: output) == nil {
            throw ValidationError("-o must name a .md, .json or .html file (got \(output))")
        }
    }

    func settingsList() throws -> [Int] {
        let parts = iterations.split(separator: ",").map { String($0).trimmed }
        let values = parts.compactMap { Int($0) }
        guard !values.isEmpty, values.count == parts.count, values.allSatisfy({ (1...20).contains($0) }) else {
            throw ValidationError("--iterations wants numbers from 1 to 20 like 1,3 (got \(iterations))")
        }
        return Array(Set(values)).sorted()
    }

    func run() throws {
        let session = try reportingCLIErrors { try Session(options: sessionOptions(), quiet: quiet) }
        let store = BenchStore(path: session.paths.dbFile)
        if list { return try listRuns(store) }
        if let show { return try showRun(show, store: store, session: session) }
        let loaded = try reportingCLIErrors { () throws(CLIError) -> BenchSuite in
            do throws(SuiteError) {
                return try BenchSuite.load(path: suite ?? "")
            } catch {
                throw CLIError(error.description)
            }
        }
        for problem in loaded.problems where !quiet {
            StandardStreams.err("warning: skipped \(TerminalText.escaped(problem.description))\n")
        }
        let settings = BenchSettings(
            models: model, iterations: try settingsList(), trials: trials ?? (model.count > 1 ? 3 : 1),
            judge: JudgeSettings(model: session.config.models.evaluator ?? "executor"),
            suiteDigest: loaded.digest, name: name, regrade: regrade)
        let code = BlockingRunner.run { () -> Int32 in
            do {
                return try await execute(suite: loaded, settings: settings, session: session, store: store)
            } catch {
                StandardStreams.err("error: \(TerminalText.escaped(String(describing: error)))\n")
                return 1
            }
        }
        if code != 0 { throw ExitCode(code) }
    }

    func sessionOptions() throws -> RunOverrides {
        var arguments = ["--yes"]
        if let config { arguments += ["--config", config] }
        if let sandbox { arguments += ["--sandbox", sandbox] }
        if let timeout { arguments += ["--timeout", String(timeout)] }
        return try TaskOptions.parse(arguments).overrides
    }

    func execute(suite: BenchSuite, settings: BenchSettings, session: Session, store: BenchStore) async throws
        -> Int32
    {
        let now = Int64((Date().timeIntervalSince1970 * 1000).rounded())
        let run = try await store.openRun(key: settings.key, suite: suite.path, settings: settings, now: now)
        let progress = BenchProgressLine(terminal: StandardStreams.stderrIsTerminal, quiet: quiet)
        let scratch = session.paths.dataDir + "/bench/work"
        let runner = BenchRunner(
            suite: suite, run: run, store: store, executor: SessionTrialExecutor(session: session),
            grader: TrialGrader(sandbox: session.commandSandbox()),
            configuration: BenchRunner.Configuration(
                concurrency: concurrency, budgetUSD: budget, policy: session.policy(), scratchDirectory: scratch),
            progress: { progress.show($0) })
        let outcome = try await runner.execute()
        for error in outcome.errors { StandardStreams.err("error: \(TerminalText.escaped(error))\n") }
        let report = BenchReport(
            run: run, suite: suite, trials: outcome.trials, pricesAsOf: PricingTable.pricesAsOf)
        var regressions: [BaselineGate.Regression]?
        if let baseline {
            guard let stored = try await store.run(id: baseline) else {
                throw CLIError("no stored bench run \(baseline) (openkoi bench --list shows them)")
            }
            let old = BenchReport(
                run: stored, suite: nil, trials: try await store.trials(run: stored.id),
                pricesAsOf: PricingTable.pricesAsOf)
            regressions = BaselineGate.regressions(current: report, baseline: old)
        }
        try emit(report, regressions: regressions)
        if outcome.interrupted { return 130 }
        if let regressions, !regressions.isEmpty { return 3 }
        if outcome.stoppedByBudget { return 2 }
        return outcome.errors.isEmpty && suite.problems.isEmpty ? 0 : 1
    }

    /// stdout (the table, only regressions with --baseline, or JSON) and the -o file.
    func emit(_ report: BenchReport, regressions: [BaselineGate.Regression]?) throws {
        if json {
            StandardStreams.out(ReportJSON.document(report, regressions: regressions).jsonString + "\n")
        } else if let regressions {
            StandardStreams.out(BaselineText.lines(regressions, run: report.run.id))
        } else {
            StandardStreams.out(ReportText.text(report))
        }
        if let output { try ReportFile.write(report, regressions: regressions, to: output) }
    }

    func listRuns(_ store: BenchStore) throws {
        let runs = try reportingCLIErrors { () throws(CLIError) -> [(BenchRun, Int)] in
            let result = BlockingRunner.run { () -> Result<[(BenchRun, Int)], CLIError> in
                do {
                    var rows: [(BenchRun, Int)] = []
                    for run in try await store.runs() { rows.append((run, try await store.trialCount(run: run.id))) }
                    return .success(rows)
                } catch {
                    return .failure(CLIError("cannot read bench runs: \(error)"))
                }
            }
            return try result.get()
        }
        if json {
            let rows = runs.map { run, count -> JSONValue in
                [
                    "run": .string(run.id), "name": run.settings.name.map(JSONValue.string) ?? .null,
                    "suite": .string(run.suite), "trials": .number(Double(count)),
                    "created_ms": .number(Double(run.createdMS)),
                    "finished": .bool(run.finishedMS != nil),
                    "models": .array(run.settings.models.map(JSONValue.string)),
                ]
            }
            StandardStreams.out(JSONValue.array(rows).jsonString + "\n")
            return
        }
        guard !runs.isEmpty else { return StandardStreams.out("no bench runs stored yet\n") }
        for (run, count) in runs {
            let settings = run.settings
            let created = Date(timeIntervalSince1970: Double(run.createdMS) / 1000).ISO8601Format()
            let state = run.finishedMS == nil ? "partial " : "complete"
            let name = settings.name.map { "[\($0)]  " } ?? ""
            let iterations = settings.iterations.map(String.init).joined(separator: ",")
            StandardStreams.out(
                "\(run.id)  \(created)  \(state)  \(name)\(count) trial(s)  "
                    + "\(settings.models.joined(separator: ", ")) -i \(iterations)  \(run.suite)\n")
        }
    }

    func showRun(_ id: String, store: BenchStore, session: Session) throws {
        let found = BlockingRunner.run { () -> Result<(BenchRun, [TrialRecord])?, CLIError> in
            do {
                guard let run = try await store.run(id: id) else { return .success(nil) }
                return .success((run, try await store.trials(run: run.id)))
            } catch {
                return .failure(CLIError("cannot read bench run \(id): \(error)"))
            }
        }
        let stored = try reportingCLIErrors { () throws(CLIError) in try found.get() }
        guard let (run, trials) = stored else {
            throw reportedError("no stored bench run \(id) (openkoi bench --list shows them)")
        }
        // The suite, if it is still there unchanged, says how many trials were planned.
        let suite = (try? BenchSuite.load(path: run.suite)).flatMap { $0.digest == run.settings.suiteDigest ? $0 : nil }
        let report = BenchReport(run: run, suite: suite, trials: trials, pricesAsOf: PricingTable.pricesAsOf)
        do {
            try emit(report, regressions: nil)
        } catch {
            throw reportedError("\(error)")
        }
    }
}

/// `--baseline`: only what regressed.
enum BaselineText {
    static func lines(_ regressions: [BaselineGate.Regression], run: String) -> String {
        guard !regressions.isEmpty else { return "bench run \(run): no regressions against the baseline\n" }
        var out = "bench run \(run): \(regressions.count) regression(s) against the baseline\n"
        for r in regressions {
            out +=
                "  \(r.task) on \(r.column.label): pass rate \(percent(r.baselineRate)) → \(percent(r.currentRate))\n"
        }
        return out
    }

    static func percent(_ value: Double) -> String { NumberText.fixed(value * 100, decimals: 0) + "%" }
}

/// `-o report.{md,json,html}`, written atomically.
enum ReportFile {
    enum Format {
        case markdown, json, html
        init?(path: String) {
            let lower = path.lowercased()
            if lower.hasSuffix(".md") {
                self = .markdown
            } else if lower.hasSuffix(".json") {
                self = .json
            } else if lower.hasSuffix(".html") || lower.hasSuffix(".htm") {
                self = .html
            } else {
                return nil
            }
        }
    }

    static func write(_ report: BenchReport, regressions: [BaselineGate.Regression]?, to path: String) throws {
        let text: String
        switch Format(path: path) {
        case .markdown: text = ReportText.markdown(report, regressions: regressions)
        case .json: text = ReportJSON.document(report, regressions: regressions).jsonString + "\n"
        case .html: text = ReportHTML.document(report, regressions: regressions)
        case nil: throw CLIError("-o must name a .md, .json or .html file (got \(path))")
        }
        do {
            try AtomicFile.write(text, to: path, mode: 0o644)
        } catch {
            throw CLIError(error.description)
        }
    }
}
