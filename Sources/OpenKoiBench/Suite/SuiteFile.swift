import FoundationEssentials
import OpenKoiCore

/// A JSONL suite: one task object per line, e.g.
/// `{"id": "capital", "task": "What is the capital of France?", "expect": "Paris"}`.
enum SuiteFile {
    static let fields: Set<String> = [
        "id", "task", "files", "check", "expect", "category", "max_iterations", "quality",
    ]

    static func load(_ path: String) throws(SuiteError) -> BenchSuite {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SuiteError("\(path): cannot read the suite file")
        }
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        let name = String(path.split(separator: "/").last ?? "")
        var tasks: [BenchTask] = []
        var problems: [SuiteProblem] = []
        var seen: [String: Int] = [:]
        for (index, line) in BatchLine.lines(Array(data)).enumerated() {
            let location = "\(name):\(index + 1)"
            guard let line else {
                problems.append(SuiteProblem(location: location, message: "not valid UTF-8"))
                continue
            }
            if line.trimmed.isEmpty { continue }
            do throws(SuiteError) {
                let task = try parse(line, location: location, directory: directory, number: index + 1)
                if let earlier = seen[task.id] {
                    throw SuiteError("duplicate id \(task.id.debugDescription) (first on line \(earlier))")
                }
                seen[task.id] = index + 1
                tasks.append(task)
            } catch {
                problems.append(SuiteProblem(location: location, message: error.description))
            }
        }
        return BenchSuite(path: path, tasks: tasks, problems: problems)
    }

    static func parse(_ line: String, location: String, directory: String, number: Int) throws(SuiteError)
        -> BenchTask
    {
        guard let object = JSONValue.parse(line)?.objectValue else {
            throw SuiteError("not a JSON object")
        }
        if let unknown = object.keys.sorted().first(where: { !fields.contains($0) }) {
            throw SuiteError(
                "unknown field \(unknown.debugDescription) (fields: \(fields.sorted().joined(separator: ", ")))")
        }
        guard let prompt = object["task"]?.stringValue, !prompt.trimmed.isEmpty else {
            throw SuiteError("\"task\" is required and must be a non-empty string")
        }
        var task = BenchTask(id: "line-\(number)", prompt: prompt, origin: location)
        if let id = object["id"] {
            guard let text = id.stringValue, TaskFields.isValidID(text) else {
                throw SuiteError("\"id\" must be a string of letters, digits, '.', '_' or '-'")
            }
            task.id = text
        }
        if let files = object["files"] {
            guard let relative = files.stringValue, !relative.isEmpty else {
                throw SuiteError("\"files\" must be a directory path")
            }
            let resolved = relative.hasPrefix("/") ? relative : directory + "/" + relative
            guard SuiteFiles.isDirectory(resolved) else {
                throw SuiteError("\"files\": \(relative) is not a directory")
            }
            task.files = resolved
        }
        if let check = object["check"] { task.check = try TaskFields.check(json: check) }
        if let expect = object["expect"] { task.expect = try TaskFields.expectation(json: expect) }
        if let category = object["category"] {
            guard let text = category.stringValue, !text.isEmpty else {
                throw SuiteError("\"category\" must be a string")
            }
            task.category = text
        }
        if let value = object["max_iterations"] {
            task.maxIterations = try TaskFields.iterations(value.intValue, field: "max_iterations")
        }
        if let value = object["quality"] { task.quality = try TaskFields.quality(value.doubleValue) }
        guard task.check != nil || task.expect != nil else {
            throw SuiteError("a task needs \"check\" or \"expect\" to be graded")
        }
        return task
    }
}

/// Field rules shared by the JSONL and directory formats.
enum TaskFields {
    static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 128
            && id.unicodeScalars.allSatisfy {
                $0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)
            }
    }

    static func iterations(_ value: Int?, field: String) throws(SuiteError) -> Int {
        guard let value, (1...20).contains(value) else {
            throw SuiteError("\"\(field)\" must be a whole number from 1 to 20")
        }
        return value
    }

    static func quality(_ value: Double?) throws(SuiteError) -> Double {
        guard let value, (0...1).contains(value) else { throw SuiteError("\"quality\" must be a number from 0 to 1") }
        return value
    }

    static func check(json: JSONValue) throws(SuiteError) -> BenchCheck {
        if let command = json.stringValue {
            guard !command.trimmed.isEmpty else { throw SuiteError("\"check\" must not be empty") }
            return BenchCheck(command: command)
        }
        guard let object = json.objectValue, let command = object["command"]?.stringValue, !command.trimmed.isEmpty
        else {
            throw SuiteError("\"check\" must be a command string or {\"command\", \"timeout_seconds\", \"restore\"}")
        }
        var check = BenchCheck(command: command)
        if let unknown = object.keys.sorted().first(where: { !["command", "timeout_seconds", "restore"].contains($0) })
        {
            throw SuiteError("unknown field check.\(unknown)")
        }
        if let timeout = object["timeout_seconds"] {
            guard let seconds = timeout.doubleValue, seconds > 0, seconds <= 86_400 else {
                throw SuiteError("check.timeout_seconds must be a number of seconds above 0")
            }
            check.timeoutSeconds = seconds
        }
        if let restore = object["restore"] {
            guard let patterns = restore.arrayValue?.compactMap(\.stringValue),
                patterns.count == restore.arrayValue?.count
            else { throw SuiteError("check.restore must be an array of glob patterns") }
            check.restore = patterns
        }
        return check
    }

    static func expectation(json: JSONValue) throws(SuiteError) -> AnswerExpectation {
        if let text = json.stringValue, !text.isEmpty { return .text(text) }
        guard let pattern = json["regex"]?.stringValue, json.objectValue?.count == 1 else {
            throw SuiteError("\"expect\" must be a non-empty string or {\"regex\": \"...\"}")
        }
        if let problem = AnswerExpectation.problem(regex: pattern) { throw SuiteError(problem) }
        return .regex(pattern)
    }
}
