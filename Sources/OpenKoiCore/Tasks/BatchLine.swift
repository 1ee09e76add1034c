import FoundationEssentials

/// One input line, decoded; a bad line becomes a failed result instead of stopping the batch.
public enum BatchLine: Sendable {
    case task(TaskSpec)
    case invalid(id: String, message: String)
    case blank

    /// Decodes line `number` (from 1) of a batch file; `nil` is a line that was not valid UTF-8.
    public init(_ line: String?, number: Int, policy: TaskPolicy) {
        guard let line else {
            self = .invalid(id: "line-\(number)", message: "line \(number): not valid UTF-8")
            return
        }
        let trimmed = line.trimmed
        guard !trimmed.isEmpty else { self = .blank; return }
        let fallbackID = "line-\(number)"
        guard let json = JSONValue.parse(trimmed), json.objectValue != nil else {
            self = .invalid(id: fallbackID, message: "line \(number): not a JSON object")
            return
        }
        let id = json["id"]?.stringValue ?? json["id"]?.intValue.map(String.init) ?? fallbackID
        guard let task = json["task"]?.stringValue, !task.trimmed.isEmpty else {
            self = .invalid(id: id, message: "line \(number): \"task\" is required and must be a non-empty string")
            return
        }
        var policy = policy
        if let node = json["max_iterations"] {
            guard let value = node.intValue, value >= 0 else {
                self = .invalid(id: id, message: "line \(number): \"max_iterations\" must be a non-negative integer")
                return
            }
            policy.maxIterations = value
        }
        if let node = json["quality"] {
            guard let value = node.doubleValue, (0...1).contains(value) else {
                self = .invalid(id: id, message: "line \(number): \"quality\" must be a number between 0 and 1")
                return
            }
            policy.qualityThreshold = value
        }
        var model: String?
        if let node = json["model"] {
            guard let value = node.stringValue, !value.isEmpty else {
                self = .invalid(id: id, message: "line \(number): \"model\" must be a string like provider/model")
                return
            }
            model = value
        }
        self = .task(TaskSpec(id: id, description: task, model: model, policy: policy))
    }

    /// The file's lines, split on LF with a CR before it dropped (files written on Windows); a line
    /// that is not valid UTF-8 is `nil`, so it fails by its number instead of running with U+FFFD in it.
    public static func lines(_ bytes: [UInt8]) -> [String?] {
        bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            let content = line.last == UInt8(ascii: "\r") ? line.dropLast() : line
            return String(validating: content, as: UTF8.self)
        }
    }
}
