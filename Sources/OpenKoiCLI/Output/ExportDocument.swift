import ArgumentParser
import OpenKoiCore
import OpenKoiMemory

/// Exported tables as JSON, YAML or CSV. YAML strings are double-quoted with JSON escapes (valid
/// YAML 1.2), so any text survives; CSV quotes every field that needs it (RFC 4180).
enum ExportDocument {
    enum Format: String, CaseIterable, ExpressibleByArgument {
        case json, yaml, csv
    }

    static func json(_ tables: [(String, [ExportRow])], all: Bool, exportedAt: String) -> String {
        func rows(_ list: [ExportRow]) -> JSONValue {
            .array(list.map { row in .object(Dictionary(row.columns.map { ($0.name, $0.value) }) { a, _ in a }) })
        }
        guard all else { return rows(tables.first?.1 ?? []).jsonString + "\n" }
        var object: [String: JSONValue] = [
            "exported_at": .string(exportedAt), "version": .string(OpenKoiCommand.version),
        ]
        for (name, list) in tables { object[name] = rows(list) }
        return JSONValue.object(object).jsonString + "\n"
    }

    static func yaml(_ tables: [(String, [ExportRow])], all: Bool, exportedAt: String) -> String {
        func rows(_ list: [ExportRow], indent: String) -> String {
            if list.isEmpty { return indent + "[]\n" }
            var text = ""
            for row in list {
                for (index, column) in row.columns.enumerated() {
                    text += indent + (index == 0 ? "- " : "  ") + "\(column.name): \(scalar(column.value))\n"
                }
            }
            return text
        }
        guard all else { return rows(tables.first?.1 ?? [], indent: "") }
        var text = "exported_at: \(scalar(.string(exportedAt)))\nversion: \(scalar(.string(OpenKoiCommand.version)))\n"
        for (name, list) in tables {
            text += list.isEmpty ? "\(name): []\n" : "\(name):\n" + rows(list, indent: "  ")
        }
        return text
    }

    static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        default: return value.jsonString
        }
    }

    /// One table per CSV document (`all` puts them one after another, each after a `# table` line).
    static func csv(_ tables: [(String, [ExportRow])], all: Bool) -> String {
        var text = ""
        for (name, list) in tables {
            if all { text += "# \(name)\n" }
            let header = list.first?.columns.map(\.name) ?? []
            text += header.map(field).joined(separator: ",") + "\n"
            for row in list {
                text +=
                    row.columns.map { column -> String in
                        switch column.value {
                        case .null: return ""
                        case .string(let s): return field(s)
                        default: return field(column.value.jsonString)
                        }
                    }.joined(separator: ",") + "\n"
            }
        }
        return text
    }

    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
    }
}
