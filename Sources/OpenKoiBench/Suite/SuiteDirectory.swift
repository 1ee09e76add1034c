import FoundationEssentials
import OpenKoiCore

/// A directory suite: one folder per task with `task.txt` (the request), its starting files
/// (`workspace/` when present, else the folder's other files), and a `check` file (a shell script)
/// or `[check]` in `task.toml`. An optional `bench.toml` at the suite's root sets defaults for
/// every task's `[check]` (`timeout_seconds`, `restore`).
enum SuiteDirectory {
    /// Names in a task folder that belong to the suite, not to the task's workspace.
    static let metadata: Set<String> = ["task.txt", "task.toml", "check", "solution"]
    static let taskKeys: Set<String> = ["category", "max_iterations", "quality", "expect", "expect_regex", "check"]
    static let checkKeys: Set<String> = ["command", "timeout_seconds", "restore"]

    static func load(_ root: String) throws(SuiteError) -> BenchSuite {
        let defaults = try suiteDefaults(root)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else {
            throw SuiteError("\(root): cannot list the suite directory")
        }
        let suiteName = String(root.split(separator: "/").last ?? "")
        var tasks: [BenchTask] = []
        var problems: [SuiteProblem] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            let folder = root + "/" + name
            guard SuiteFiles.isDirectory(folder) else { continue }
            let location = "\(suiteName)/\(name)"
            let hasTask = FileManager.default.fileExists(atPath: folder + "/task.txt")
            if !hasTask {
                // A folder with a check or task.toml but no request is a broken task, not a helper folder.
                if ["check", "task.toml"].contains(where: { FileManager.default.fileExists(atPath: folder + "/" + $0) })
                {
                    problems.append(SuiteProblem(location: location, message: "task.txt is missing"))
                }
                continue
            }
            do throws(SuiteError) {
                tasks.append(try task(named: name, folder: folder, location: location, defaults: defaults))
            } catch {
                problems.append(SuiteProblem(location: location, message: error.description))
            }
        }
        return BenchSuite(path: root, tasks: tasks, problems: problems)
    }

    static func task(named name: String, folder: String, location: String, defaults: BenchCheck) throws(SuiteError)
        -> BenchTask
    {
        guard TaskFields.isValidID(name) else {
            throw SuiteError("the folder name is the task's id: use letters, digits, '.', '_' or '-'")
        }
        guard let prompt = read(folder + "/task.txt"), !prompt.trimmed.isEmpty else {
            throw SuiteError("task.txt is empty or not UTF-8 text")
        }
        var task = BenchTask(id: name, prompt: prompt.trimmed, origin: location)
        if SuiteFiles.isDirectory(folder + "/workspace") {
            task.files = folder + "/workspace"
        } else {
            task.files = folder
            task.excludedFiles = metadata
        }
        if let script = read(folder + "/check") {
            guard !script.trimmed.isEmpty else { throw SuiteError("check is empty") }
            var check = defaults
            check.command = script.trimmed
            task.check = check
        }
        if let text = read(folder + "/task.toml") { try apply(toml: text, to: &task, defaults: defaults) }
        guard task.check != nil || task.expect != nil else {
            throw SuiteError("no check file, [check] in task.toml or expect: nothing grades this task")
        }
        return task
    }

    static func apply(toml text: String, to task: inout BenchTask, defaults: BenchCheck) throws(SuiteError) {
        let table: TOMLTable
        do {
            table = try TOMLParser.parse(text)
        } catch {
            throw SuiteError("task.toml: \(error)")
        }
        for (key, _) in table where !taskKeys.contains(key) {
            throw SuiteError("task.toml:\(table.line(of: key) ?? 0): unknown key \(key)")
        }
        func line(_ key: String) -> String { "task.toml:\(table.line(of: key) ?? 0)" }
        if let value = table["category"] {
            guard let text = value.stringValue, !text.isEmpty else {
                throw SuiteError("\(line("category")): category must be a string")
            }
            task.category = text
        }
        do throws(SuiteError) {
            if let value = table["max_iterations"] {
                task.maxIterations = try TaskFields.iterations(
                    value.integerValue.map(Int.init), field: "max_iterations")
            }
            if let value = table["quality"] { task.quality = try TaskFields.quality(value.doubleValue) }
            if let value = table["expect"] {
                guard let text = value.stringValue, !text.isEmpty else { throw SuiteError("expect must be a string") }
                task.expect = .text(text)
            }
            if let value = table["expect_regex"] {
                guard let pattern = value.stringValue else { throw SuiteError("expect_regex must be a string") }
                if let problem = AnswerExpectation.problem(regex: pattern) { throw SuiteError(problem) }
                task.expect = .regex(pattern)
            }
        } catch {
            throw SuiteError("task.toml: \(error.description)")
        }
        if let value = table["check"] {
            guard let checkTable = value.tableValue else {
                throw SuiteError("\(line("check")): [check] must be a table")
            }
            var check = task.check ?? defaults
            try read(checkTable, into: &check, file: "task.toml")
            guard !check.command.trimmed.isEmpty else { throw SuiteError("task.toml: [check] needs command") }
            task.check = check
        }
    }

    /// `bench.toml`'s `[check]`: defaults for every task's check.
    static func suiteDefaults(_ root: String) throws(SuiteError) -> BenchCheck {
        var defaults = BenchCheck(command: "")
        guard let text = read(root + "/bench.toml") else { return defaults }
        let table: TOMLTable
        do {
            table = try TOMLParser.parse(text)
        } catch {
            throw SuiteError("\(root)/bench.toml: \(error)")
        }
        for (key, _) in table where key != "check" {
            throw SuiteError("\(root)/bench.toml:\(table.line(of: key) ?? 0): unknown key \(key) (only [check])")
        }
        if let check = table["check"]?.tableValue {
            try read(check, into: &defaults, file: "\(root)/bench.toml")
        }
        return defaults
    }

    static func read(_ table: TOMLTable, into check: inout BenchCheck, file: String) throws(SuiteError) {
        for (key, _) in table where !checkKeys.contains(key) {
            throw SuiteError("\(file):\(table.line(of: key) ?? 0): unknown key check.\(key)")
        }
        if let value = table["command"] {
            guard let command = value.stringValue else { throw SuiteError("\(file): check.command must be a string") }
            check.command = command
        }
        if let value = table["timeout_seconds"] {
            guard let seconds = value.doubleValue, seconds > 0, seconds <= 86_400 else {
                throw SuiteError("\(file): check.timeout_seconds must be a number of seconds above 0")
            }
            check.timeoutSeconds = seconds
        }
        if let value = table["restore"] {
            guard let items = value.arrayValue, case let patterns = items.compactMap(\.stringValue),
                patterns.count == items.count
            else { throw SuiteError("\(file): check.restore must be an array of glob patterns") }
            check.restore = patterns
        }
    }

    static func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(validating: data, as: UTF8.self)
    }
}
