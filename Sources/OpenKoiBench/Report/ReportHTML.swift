import OpenKoiCore

/// `-o report.html`: one self-contained file (no scripts, fonts or fetches) with the table, the
/// refine curves as an inline SVG chart, the comparisons and every task's cells.
public enum ReportHTML {
    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f"]

    public static func document(_ report: BenchReport, regressions: [BaselineGate.Regression]? = nil) -> String {
        let (header, rows) = ReportFormatting.table(report)
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>openkoi bench \(escape(report.run.id))</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:2em;color:#222}
            table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}
            td:first-child,th:first-child{text-align:left}.flaky{background:#fff3cd}pre{white-space:pre-wrap}
            </style></head><body>
            <h1>Bench run \(escape(report.run.id))</h1>
            <p>\(escape(ReportText.heading(report)))</p>
            <h2>Refine curves: pass rate after each iteration</h2>
            \(chart(report))
            <h2>Summary</h2>
            <table><tr>\(header.map { "<th>\(escape($0))</th>" }.joined())</tr>

            """
        for row in rows { html += "<tr>" + row.map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n" }
        html += "</table>\n<h2>Tasks</h2>\n<table><tr><th>task</th>"
        html += report.columns.map { "<th>\(escape($0.column.label))</th>" }.joined() + "</tr>\n"
        for task in report.tasks {
            html += "<tr><td>\(escape(task.task))</td>"
            for summary in report.columns {
                let cell = task.cells[summary.column]
                html += "<td\(cell?.flaky == true ? " class=\"flaky\"" : "")>\(escape(ReportText.cell(cell)))</td>"
            }
            html += "</tr>\n"
        }
        html += "</table>\n"
        let rest = ReportText.sections(report, regressions: regressions, bullet: "  ")
        if !rest.isEmpty { html += "<h2>Comparisons and notes</h2>\n<pre>\(escape(rest))</pre>\n" }
        return html + "</body></html>\n"
    }

    /// Pass rate (0–100%) against iteration, one polyline per column.
    static func chart(_ report: BenchReport) -> String {
        let (width, height, left, bottom, right, top) = (640.0, 320.0, 50.0, 40.0, 20.0, 20.0)
        let depth = max(2, report.columns.map(\.column.iterations).max() ?? 1)
        func x(_ k: Int) -> Double { left + (width - left - right) * Double(k - 1) / Double(depth - 1) }
        func y(_ rate: Double) -> Double { top + (height - top - bottom) * (1 - rate) }
        let legendHeight = 20.0 * Double(report.columns.count)
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" "
            + "height=\"\(Int(height + legendHeight))\" role=\"img\" aria-label=\"pass rate after each iteration\">\n"
        for tick in 0...4 {
            let rate = Double(tick) / 4
            svg += element(
                "line", ["x1": left, "y1": y(rate), "x2": width - right, "y2": y(rate)], style: "stroke=\"#eee\"")
            svg += label("\(tick * 25)%", x: left - 8, y: y(rate) + 4, anchor: "end")
        }
        for k in 1...depth { svg += label("\(k)", x: x(k), y: height - bottom + 18, anchor: "middle") }
        svg += label("iteration", x: (left + width - right) / 2, y: height - 6, anchor: "middle")
        for (index, summary) in report.columns.enumerated() {
            let color = palette[index % palette.count]
            let points = summary.passRateAfter.enumerated().map { (x($0.offset + 1), y($0.element)) }
            let list = points.map { "\($0.0),\($0.1)" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(list)\"/>"
            for point in points {
                svg += element("circle", ["cx": point.0, "cy": point.1, "r": 3], style: "fill=\"\(color)\"")
            }
            let legendY = height + 14 + 20.0 * Double(index)
            svg += element(
                "rect", ["x": left, "y": legendY - 9, "width": 12, "height": 12], style: "fill=\"\(color)\"")
            svg += label(summary.column.label, x: left + 18, y: legendY + 1, anchor: "start")
        }
        return svg + "</svg>"
    }

    /// An empty SVG element with numeric attributes (in a fixed order) and extra attribute text.
    static func element(_ name: String, _ numbers: KeyValuePairs<String, Double>, style: String) -> String {
        "<\(name) " + numbers.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: " ") + " \(style)/>"
    }

    static func label(_ text: String, x: Double, y: Double, anchor: String) -> String {
        "<text x=\"\(x)\" y=\"\(y)\" font-size=\"11\" text-anchor=\"\(anchor)\">\(escape(text))</text>\n"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}
