import OpenKoiCore

/// `--json` and `-o report.json`: the whole report with every trial.
public enum ReportJSON {
    public static func document(_ report: BenchReport, regressions: [BaselineGate.Regression]? = nil) -> JSONValue {
        let settings = report.run.settings
        var object: [String: JSONValue] = [
            "run": .string(report.run.id),
            "suite": .string(report.run.suite),
            "settings": [
                "models": .array(settings.models.map(JSONValue.string)),
                "iterations": .array(settings.iterations.map { .number(Double($0)) }),
                "trials": .number(Double(settings.trials)), "regrade": .number(Double(settings.regrade ?? 0)),
                "judge": [
                    "model": .string(settings.judge.model), "temperature": .number(settings.judge.temperature),
                    "seed": settings.judge.seed.map { .number(Double($0)) } ?? .null,
                ],
            ],
            "prices_as_of": .string(report.pricesAsOf),
            "complete": .bool(report.missingTrials == 0),
            "missing_trials": .number(Double(report.missingTrials)),
            "columns": .array(report.columns.map(column)),
            "tasks": .array(report.tasks.map { task(report, $0) }),
            "comparisons": .array(report.comparisons.map(comparison)),
            "trials": .array(report.trials.map(trial)),
            "judge_variance": .array(
                report.judgeVariance.map {
                    [
                        "model": .string($0.column.model), "iterations": .number(Double($0.column.iterations)),
                        "answers": .number(Double($0.answers)),
                        "verdicts_per_answer": .number(Double($0.verdictsPerAnswer)),
                        "flipped": .number(Double($0.flipped)), "mean_score_spread": .number($0.meanSpread),
                        "cost_usd": optional($0.costUSD),
                    ]
                }),
            "problems": .array(
                report.problems.map { ["location": .string($0.location), "message": .string($0.message)] }),
        ]
        if let regressions {
            object["regressions"] = .array(
                regressions.map {
                    [
                        "task": .string($0.task), "model": .string($0.column.model),
                        "iterations": .number(Double($0.column.iterations)),
                        "baseline_pass_rate": .number($0.baselineRate), "pass_rate": .number($0.currentRate),
                        "noise_floor": .number($0.noiseFloor),
                    ]
                })
        }
        return .object(object)
    }

    static func optional(_ value: Double?) -> JSONValue { value.map(JSONValue.number) ?? .null }

    static func column(_ c: BenchReport.ColumnSummary) -> JSONValue {
        [
            "model": .string(c.column.model), "iterations": .number(Double(c.column.iterations)),
            "trials": .number(Double(c.trials)), "passed": .number(Double(c.passed)), "pass_rate": .number(c.passRate),
            "pass_rate_after": .array(c.passRateAfter.map(JSONValue.number)),
            "mean_score_after": .array(c.meanScoreAfter.map(optional)),
            "mean_iterations_to_pass": optional(c.meanIterationsToPass), "tokens": .number(Double(c.tokens)),
            "cost_usd": optional(c.costUSD), "cost_per_pass_usd": optional(c.costPerPassUSD),
            "latency_ms": [
                "p50": .number(c.latencyP50MS), "p90": .number(c.latencyP90MS), "p99": .number(c.latencyP99MS),
            ],
            "first_token_ms_p50": optional(c.firstTokenP50MS),
            "output_tokens_per_second": optional(c.outputTokensPerSecond),
            "standard_error": .number(c.standardError),
        ]
    }

    static func task(_ report: BenchReport, _ task: BenchReport.TaskSummary) -> JSONValue {
        [
            "task": .string(task.task),
            "results": .array(
                report.columns.compactMap { summary in
                    guard let cell = task.cells[summary.column] else { return nil }
                    return [
                        "model": .string(summary.column.model),
                        "iterations": .number(Double(summary.column.iterations)),
                        "passes": .number(Double(cell.passes)), "trials": .number(Double(cell.trials)),
                        "pass_at_k": .bool(cell.passAtK), "pass_hat_k": .bool(cell.passHatK),
                        "flaky": .bool(cell.flaky),
                    ]
                }),
        ]
    }

    static func comparison(_ c: BenchReport.Comparison) -> JSONValue {
        [
            "a": ["model": .string(c.a.model), "iterations": .number(Double(c.a.iterations))],
            "b": ["model": .string(c.b.model), "iterations": .number(Double(c.b.iterations))],
            "difference": .number(c.difference),
            "interval_95": .array([.number(c.intervalLow), .number(c.intervalHigh)]),
            "discordant": ["a_only": .number(Double(c.aOnly)), "b_only": .number(Double(c.bOnly))],
            "mcnemar_p": .number(c.mcnemarP), "noise_floor": optional(c.noiseFloor),
            "significant": .bool(c.isSignificant),
            "flips": .array(c.flips.map { ["task": .string($0.task), "a": .number($0.a), "b": .number($0.b)] }),
        ]
    }

    static func trial(_ t: TrialRecord) -> JSONValue {
        [
            "task": .string(t.key.task), "model": .string(t.key.model), "iterations": .number(Double(t.key.iterations)),
            "trial": .number(Double(t.key.trial)), "passed": .bool(t.passed),
            "scores": .array(t.scores.map(optional)), "passed_after": .array(t.passedAfter.map(JSONValue.bool)),
            "iterations_run": .number(Double(t.iterationsRun)), "tokens": .number(Double(t.tokens)),
            "input_tokens": .number(Double(t.inputTokens)), "output_tokens": .number(Double(t.outputTokens)),
            "cache_read_tokens": .number(Double(t.cacheReadTokens)),
            "cache_write_tokens": .number(Double(t.cacheWriteTokens)), "cost_usd": optional(t.costUSD),
            "latency_ms": .number(Double(t.latencyMS)), "first_token_ms": optional(t.firstTokenMS.map(Double.init)),
            "decision": .string(t.decision), "ran_model": .string(t.ranModel),
            "regrade_scores": t.regradeScores.map { .array($0.map(optional)) } ?? .null,
            "error": t.error.map(JSONValue.string) ?? .null,
            "grade_detail": t.gradeDetail.map(JSONValue.string) ?? .null,
        ]
    }
}
