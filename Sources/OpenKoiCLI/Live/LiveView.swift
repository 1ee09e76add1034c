import OpenKoiCore

/// Lays a snapshot out for a terminal `width` columns wide: every line clipped to the width, so a
/// narrow or resized window never wraps (a wrapped line would push the frame off the screen).
enum LiveView {
    static func lines(_ snapshot: LiveSnapshot, width: Int, clock: String) -> [String] {
        let width = max(20, width)
        var lines = ["OpenKoi live · \(clock) · Ctrl-C to quit"]
        if let daemon = snapshot.daemon { lines.append("Daemon: \(daemon)") }
        if snapshot.tasks.isEmpty { lines += ["", "No task is running."] }
        for task in snapshot.tasks {
            lines.append("")
            lines.append("▶ [\(task.source)] \(TerminalText.escaped(task.description))")
            let total = max(1, task.maxIterations)
            let barWidth = min(30, max(10, width / 4))
            let filled = min(barWidth, barWidth * min(task.iteration, total) / total)
            let bar =
                "[" + String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled) + "]"
            var facts = ["iteration \(task.iteration)/\(task.maxIterations)", task.phase]
            facts.append("score " + (task.score.map { NumberText.fixed($0, decimals: 2) } ?? "–"))
            facts.append("\(task.tokens) tokens")
            facts.append("$" + NumberText.fixed(task.costUSD, decimals: 4))
            if let elapsed = task.elapsedSeconds { facts.append(DaemonReport.duration(elapsed)) }
            lines.append("  \(bar) " + facts.joined(separator: " · "))
        }
        if !snapshot.recent.isEmpty {
            lines.append("")
            lines.append("Recent")
            for entry in snapshot.recent {
                let score = entry.final_score.map { NumberText.fixed($0, decimals: 2) } ?? "–"
                let mark = entry.status == "failed" || entry.status == "stopped" ? "✗" : "✓"
                lines.append(
                    "  \(mark) \(score)  \(entry.iterations) it  $\(NumberText.fixed(entry.cost_usd, decimals: 4))  "
                        + TerminalText.escaped(entry.description))
            }
        }
        return lines.map { clip($0, to: width) }
    }

    /// At most `width` characters (one column each here: the view uses no wide glyphs).
    static func clip(_ line: String, to width: Int) -> String {
        line.count <= width ? line : String(line.prefix(max(0, width - 1))) + "…"
    }
}
