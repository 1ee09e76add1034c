/// Reads one config table by hand so each error can name the file, line, table and key, and
/// remembers which keys were asked for so everything else can be reported as unknown.
///
/// A class so nested readers can share the warning list; it never leaves a single decode call.
final class ConfigTableReader {
    /// Warnings gathered across every table of one file.
    final class Warnings {
        var items: [ConfigWarning] = []
    }

    let table: TOMLTable
    let file: String
    /// Dotted path from the root, for warnings (`safety.tool_loop`).
    let path: [String]
    /// How messages name the table: `[safety.tool_loop]`, `[[plugins.mcp]] #2`, or "" for the root.
    let displayName: String
    private let warnings: Warnings
    /// Every key asked for, present or not: the set of known keys.
    private var knownKeys: [String] = []

    init(table: TOMLTable, file: String, path: [String], displayName: String, warnings: Warnings) {
        self.table = table
        self.file = file
        self.path = path
        self.displayName = displayName
        self.warnings = warnings
    }

    // MARK: Scalars

    func integer(_ key: String, atLeast minimum: Int = 0, atMost maximum: Int = .max) throws(ConfigError) -> Int? {
        guard let value = value(key) else { return nil }
        guard case .integer(let raw) = value else { throw invalid(key, "expected an integer, got \(value.typeName)") }
        guard let number = Int(exactly: raw), number >= minimum, number <= maximum else {
            let bound = maximum == .max ? "at least \(minimum)" : "between \(minimum) and \(maximum)"
            throw invalid(key, "must be \(bound), got \(raw)")
        }
        return number
    }

    static let nonNegative: ClosedRange<Double> = 0...Double.greatestFiniteMagnitude

    /// A float; integers are accepted (`timeout_seconds = 30`). Non-finite values are refused: none
    /// of these settings means anything when infinite or NaN.
    func number(_ key: String, in range: ClosedRange<Double> = nonNegative) throws(ConfigError) -> Double? {
        guard let value = value(key) else { return nil }
        guard let number = value.doubleValue else { throw invalid(key, "expected a number, got \(value.typeName)") }
        guard number.isFinite, range.contains(number) else {
            let bound =
                range.upperBound == .greatestFiniteMagnitude
                ? "at least \(NumberText.plain(range.lowerBound))"
                : "between \(NumberText.plain(range.lowerBound)) and \(NumberText.plain(range.upperBound))"
            throw invalid(key, "must be \(bound), got \(NumberText.plain(number))")
        }
        return number
    }

    func bool(_ key: String) throws(ConfigError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .boolean(let flag) = value else { throw invalid(key, "expected a boolean, got \(value.typeName)") }
        return flag
    }

    func string(_ key: String) throws(ConfigError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value else { throw invalid(key, "expected a string, got \(value.typeName)") }
        return text
    }

    func requiredString(_ key: String) throws(ConfigError) -> String {
        guard let text = try string(key) else { throw missing(key) }
        return text
    }

    func requiredBool(_ key: String) throws(ConfigError) -> Bool {
        guard let flag = try bool(key) else { throw missing(key) }
        return flag
    }

    func strings(_ key: String) throws(ConfigError) -> [String]? {
        guard let value = value(key) else { return nil }
        guard case .array(let elements) = value else {
            throw invalid(key, "expected an array of strings, got \(value.typeName)")
        }
        var result: [String] = []
        for (index, element) in elements.enumerated() {
            guard case .string(let text) = element else {
                throw invalid(
                    "\(key)[\(index)]", line: table.line(of: key), "expected a string, got \(element.typeName)")
            }
            result.append(text)
        }
        return result
    }

    /// An array of non-negative numbers (integers accepted), such as a retry schedule in seconds.
    func numbers(_ key: String) throws(ConfigError) -> [Double]? {
        guard let value = value(key) else { return nil }
        guard case .array(let elements) = value else {
            throw invalid(key, "expected an array of numbers, got \(value.typeName)")
        }
        var result: [Double] = []
        for (index, element) in elements.enumerated() {
            guard let number = element.doubleValue, number.isFinite, number >= 0 else {
                throw invalid(
                    "\(key)[\(index)]", line: table.line(of: key),
                    "expected a non-negative number, got \(element.typeName)")
            }
            result.append(number)
        }
        return result
    }

    /// A table whose values are all strings, such as an MCP server's `env`.
    func stringMap(_ key: String) throws(ConfigError) -> [String: String]? {
        guard let value = value(key) else { return nil }
        guard case .table(let inner) = value else {
            throw invalid(key, "expected a table of strings, got \(value.typeName)")
        }
        var result: [String: String] = [:]
        for (name, element) in inner {
            guard case .string(let text) = element else {
                throw invalid(
                    "\(key).\(name)", line: inner.line(of: name), "expected a string, got \(element.typeName)")
            }
            result[name] = text
        }
        return result
    }

    // MARK: Tables

    /// Decodes the sub-table `key` with `decode`, then reports its unknown keys.
    func section<T>(_ key: String, _ decode: (ConfigTableReader) throws(ConfigError) -> T) throws(ConfigError) -> T? {
        guard let value = value(key) else { return nil }
        guard case .table(let inner) = value else { throw invalid(key, "expected a table, got \(value.typeName)") }
        let name = TOMLParser.dotted(path + [key])
        return try decodeChild(inner, key: key, displayName: "[\(name)]", decode)
    }

    /// `[[key]]` entries, each decoded with `decode`; an empty array is allowed.
    func sectionArray<T>(_ key: String, _ decode: (ConfigTableReader) throws(ConfigError) -> T) throws(ConfigError)
        -> [T]?
    {
        guard let value = value(key) else { return nil }
        guard case .array(let elements) = value else {
            throw invalid(key, "expected an array of tables, got \(value.typeName)")
        }
        let name = TOMLParser.dotted(path + [key])
        var result: [T] = []
        for (index, element) in elements.enumerated() {
            guard case .table(let inner) = element else {
                throw invalid(
                    "\(key)[\(index)]", line: table.line(of: key), "expected a table, got \(element.typeName)")
            }
            var located = inner
            if located.line == 0 { located.line = table.line(of: key) ?? table.line }
            result.append(try decodeChild(located, key: key, displayName: "[[\(name)]] #\(index + 1)", decode))
        }
        return result
    }

    /// A table of named tables (`[providers.<id>]`), each decoded with `decode(name, reader)`.
    func sectionMap<T>(
        _ key: String, _ decode: (String, ConfigTableReader) throws(ConfigError) -> T
    ) throws(ConfigError) -> [String: T]? {
        try section(key) { (outer: ConfigTableReader) throws(ConfigError) -> [String: T] in
            var result: [String: T] = [:]
            for (name, _) in outer.table {
                result[name] = try outer.section(name) { (inner: ConfigTableReader) throws(ConfigError) -> T in
                    try decode(name, inner)
                }
            }
            return result
        }
    }

    private func decodeChild<T>(
        _ inner: TOMLTable, key: String, displayName: String, _ decode: (ConfigTableReader) throws(ConfigError) -> T
    ) throws(ConfigError) -> T {
        let child = ConfigTableReader(
            table: inner, file: file, path: path + [key], displayName: displayName, warnings: warnings)
        let result = try decode(child)
        child.reportUnknownKeys()
        return result
    }

    // MARK: Diagnostics

    func warn(_ key: String, _ message: String) {
        let keyPath = TOMLParser.dotted(path + [key])
        warnings.items.append(
            ConfigWarning(file: file, line: table.line(of: key) ?? table.line, keyPath: keyPath, message: message))
    }

    /// A warning about this table as a whole, at the line where it was defined.
    func warnAboutTable(_ message: String) {
        warnings.items.append(
            ConfigWarning(file: file, line: table.line, keyPath: TOMLParser.dotted(path), message: message))
    }

    /// Warns about every key nobody asked for, suggesting the closest known key for likely typos.
    func reportUnknownKeys() {
        for (key, value) in table where !knownKeys.contains(key) {
            let keyPath = TOMLParser.dotted(path + [key])
            var message =
                value.tableValue != nil ? "unknown table [\(keyPath)], ignored" : "unknown key '\(keyPath)', ignored"
            if let suggestion = ConfigSpelling.closest(to: key, among: knownKeys) {
                message += " (did you mean '\(suggestion)'?)"
            }
            warn(key, message)
        }
    }

    func invalid(_ key: String, line: Int? = nil, _ message: String) -> ConfigError {
        let location = displayName.isEmpty ? key : "\(displayName) \(key)"
        return .invalidValue(
            file: file, line: line ?? table.line(of: key) ?? table.line, location: location, message: message)
    }

    private func missing(_ key: String) -> ConfigError {
        .missingKey(file: file, line: table.line, table: displayName.isEmpty ? "top level" : displayName, key: key)
    }

    private func value(_ key: String) -> TOMLValue? {
        if !knownKeys.contains(key) { knownKeys.append(key) }
        return table[key]
    }
}
