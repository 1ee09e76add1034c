import FoundationEssentials
import OpenKoiCore

/// One task of a suite: the request, its starting files, and how a trial of it is graded.
public struct BenchTask: Sendable, Hashable {
    public var id: String
    /// The request, as a user would type it.
    public var prompt: String
    /// Directory whose files are copied as each trial's workspace; `nil`: an empty workspace.
    public var files: String?
    /// Names directly under `files` that are the suite's own, not the task's (`task.txt`, `check`, …).
    public var excludedFiles: Set<String>
    public var check: BenchCheck?
    public var expect: AnswerExpectation?
    public var category: String?
    /// Overrides the iteration setting for this task (the suite says it needs no more).
    public var maxIterations: Int?
    public var quality: Double?
    /// Where it was defined, for messages: `suite.jsonl:3` or `suite/fix-bug`.
    public var origin: String

    public init(
        id: String, prompt: String, files: String? = nil, excludedFiles: Set<String> = [], check: BenchCheck? = nil,
        expect: AnswerExpectation? = nil, category: String? = nil, maxIterations: Int? = nil, quality: Double? = nil,
        origin: String = ""
    ) {
        self.id = id
        self.prompt = prompt
        self.files = files
        self.excludedFiles = excludedFiles
        self.check = check
        self.expect = expect
        self.category = category
        self.maxIterations = maxIterations
        self.quality = quality
        self.origin = origin
    }

    /// Everything that changes what a trial of this task means, for the suite's identity.
    var fingerprint: String {
        [
            id, prompt, files ?? "", check.map { "\($0.command)|\($0.timeoutSeconds)|\($0.restore)" } ?? "",
            expect.map { "\($0)" } ?? "", category ?? "", maxIterations.map(String.init) ?? "",
            quality.map { "\($0)" } ?? "",
        ].joined(separator: "\u{1f}")
    }
}

/// A command whose exit status 0 means the trial passed, run with `/bin/sh -c` in the trial's
/// workspace under the command sandbox.
public struct BenchCheck: Sendable, Hashable {
    public var command: String
    public var timeoutSeconds: Double
    /// Glob patterns (`test_*.py`) of starting files put back before the check runs; files matching
    /// them that were not there at the start are removed. Editing the tests then cannot pass a task.
    public var restore: [String]

    public init(command: String, timeoutSeconds: Double = BenchCheck.defaultTimeout, restore: [String] = []) {
        self.command = command
        self.timeoutSeconds = timeoutSeconds
        self.restore = restore
    }

    public static let defaultTimeout: Double = 120
}

/// What the final answer must contain.
public enum AnswerExpectation: Sendable, Hashable, CustomStringConvertible {
    /// The text, ignoring case.
    case text(String)
    /// A match of this regular expression (Swift `Regex` syntax).
    case regex(String)

    public func matches(_ answer: String) -> Bool {
        switch self {
        case .text(let text): return answer.lowercased().contains(text.lowercased())
        case .regex(let pattern):
            guard let regex = try? Regex(pattern) else { return false }
            return answer.contains(regex)
        }
    }

    public var description: String {
        switch self {
        case .text(let text): return "contains \(text.debugDescription)"
        case .regex(let pattern): return "matches /\(pattern)/"
        }
    }

    /// Why `pattern` is not a usable regular expression, or `nil`.
    static func problem(regex pattern: String) -> String? {
        do {
            _ = try Regex(pattern)
            return nil
        } catch {
            return "expect.regex is not a valid regular expression: \(error)"
        }
    }
}
