import OpenKoiCore

/// The report as text for a terminal (`openkoi bench` on stdout) or as Markdown (`-o report.md`).
public enum ReportText {
    public static func text(_ report: BenchReport, regressions: [BaselineGate.Regression]? = nil) -> String {
        let (header, rows) = ReportFormatting.table(report)
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == 0
                    ? cell + String(repeating: " ", count: widths[index] - cell.count)
                    : String(repeating: " ", count: widths[index] - cell.count) + cell
            }.joined(separator: "  ")
        }
        var out = heading(report) + "\n\n" + line(header) + "\n"
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in rows { out += line(row) + "\n" }
        out += sections(report, regressions: regressions, bullet: "  ")
        return out
    }

    public static func markdown(_ report: BenchReport, regressions: [BaselineGate.Regression]? = nil) -> String {
        let (header, rows) = ReportFormatting.table(report)
        func line(_ cells: [String]) -> String { "| " + cells.map(escape).joined(separator: " | ") + " |" }
        var out = "# Bench run \(report.run.id)\n\n" + heading(report) + "\n\n" + line(header) + "\n"
        out += "|" + header.indices.map { $0 == 0 ? "---|" : "---:|" }.joined() + "\n"
        for row in rows { out += line(row) + "\n" }
        out += "\n## Tasks\n\n" + line(["task"] + report.columns.map(\.column.label)) + "\n"
        out += "|" + String(repeating: "---|", count: report.columns.count + 1) + "\n"
        for task in report.tasks {
            out += line([task.task] + report.columns.map { cell(task.cells[$0.column]) }) + "\n"
        }
        out += sections(report, regressions: regressions, bullet: "- ")
        return out
    }

    static func heading(_ report: BenchReport) -> String {
        let settings = report.run.settings
        var text =
            "bench run \(report.run.id): \(report.tasks.count) task(s) × \(settings.models.count) model(s) × "
            + "-i \(settings.iterations.map(String.init).joined(separator: ",")) × \(settings.trials) trial(s); "
            + "judge \(settings.judge.model) at temperature \(NumberText.plain(settings.judge.temperature)), "
            + "seed \(settings.judge.seed.map(String.init) ?? "none"); "
            + "prices as of \(report.pricesAsOf)"
        if report.missingTrials > 0 {
            text += "\n\(report.missingTrials) trial(s) not run yet (run the same command to resume)"
        }
        return text
    }

    static func cell(_ cell: BenchReport.Cell?) -> String {
        guard let cell else { return "-" }
        return ReportFormatting.rate(passes: cell.passes, trials: cell.trials) + (cell.flaky ? " flaky" : "")
    }

    static func sections(_ report: BenchReport, regressions: [BaselineGate.Regression]?, bullet: String) -> String {
        var out = ""
        let comparisons = ReportFormatting.comparisonLines(report)
        if !comparisons.isEmpty {
            out += "\nPaired comparisons (per task, trials paired by number):\n"
            for line in comparisons { out += bullet + line + "\n" }
        }
        if !report.judgeVariance.isEmpty {
            out += "\nJudge variance (--regrade: the same final answers judged again):\n"
            for v in report.judgeVariance {
                out +=
                    bullet + "\(v.column.label): \(v.flipped) of \(v.answers) verdict(s) flipped over "
                    + "\(v.verdictsPerAnswer) asks; mean score spread \(NumberText.fixed(v.meanSpread, decimals: 2)); "
                    + "cost \(ReportFormatting.usd(v.costUSD))\n"
            }
        }
        let flaky = ReportFormatting.flakyLines(report)
        if !flaky.isEmpty {
            out += "\nFlaky (some trials pass, some fail):\n"
            for line in flaky { out += bullet + line + "\n" }
        }
        if let regressions {
            out += "\nRegressions against the baseline: \(regressions.count)\n"
            for r in regressions {
                let (before, after) = (
                    ReportFormatting.percent(r.baselineRate), ReportFormatting.percent(r.currentRate)
                )
                out +=
                    bullet + "\(r.task) on \(r.column.label): \(before) → \(after) "
                    + "(noise floor ±\(ReportFormatting.percent(r.noiseFloor)))\n"
            }
        }
        if !report.problems.isEmpty {
            out += "\nSkipped (could not be read):\n"
            for problem in report.problems { out += bullet + problem.description + "\n" }
        }
        return out
    }

    static func escape(_ text: String) -> String {
        text.split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|")
    }
}
