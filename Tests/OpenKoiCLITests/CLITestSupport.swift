import FoundationEssentials
import Glibc
import OpenKoiCore
import OpenKoiTesting
import OpenKoiTools
import Testing

/// The `openkoi` executable under test: `$OPENKOI_BIN`, else `.build/debug/openkoi` in this package.
enum OpenKoiBinary {
    static func path(filePath: String = #filePath) throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["OPENKOI_BIN"], !explicit.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: explicit) else {
                throw CLITestError("OPENKOI_BIN=\(explicit) is not an executable file")
            }
            return explicit
        }
        // <root>/Tests/OpenKoiCLITests/CLITestSupport.swift → <root>
        var root = filePath
        for _ in 0..<3 { root = String(root[..<(root.lastIndex(of: "/") ?? root.startIndex)]) }
        let candidate = root + "/.build/debug/openkoi"
        guard FileManager.default.isExecutableFile(atPath: candidate) else {
            throw CLITestError(
                "the openkoi binary is missing at \(candidate); run `swift build` first (or set OPENKOI_BIN)")
        }
        return candidate
    }
}

/// What one run of the binary did.
struct CLIRun: Sendable {
    var exitCode: Int32
    var stdout: String
    var stderr: String

    /// stdout as newline-terminated lines, each a JSON object; a test failure when any is not.
    func jsonLines(sourceLocation: SourceLocation = #_sourceLocation) throws -> [JSONValue] {
        try #require(
            stdout.hasSuffix("\n"), "stdout does not end with a newline: \(stdout.debugDescription)",
            sourceLocation: sourceLocation)
        return try stdout.dropLast().split(separator: "\n", omittingEmptySubsequences: false).map { line in
            try #require(
                JSONValue.parse(String(line)).flatMap { $0.objectValue != nil ? $0 : nil },
                "stdout line is not a JSON object: \(line.debugDescription)", sourceLocation: sourceLocation)
        }
    }

    /// stdout as exactly one JSON object on one line.
    func singleJSONObject(sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
        let objects = try jsonLines(sourceLocation: sourceLocation)
        try #require(
            objects.count == 1, "expected one JSON line on stdout, got: \(stdout)", sourceLocation: sourceLocation)
        return objects[0]
    }

    /// Whether any stderr line is a JSON object (machine output must go to stdout only).
    var stderrHasJSON: Bool {
        stderr.split(separator: "\n").contains { JSONValue.parse(String($0))?.objectValue != nil }
    }

    /// For failure messages.
    var transcript: String { "exit \(exitCode)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

/// A throwaway `HOME`, `OPENKOI_HOME` and working directory for one run, removed afterwards.
///
/// The environment handed to the binary is built from scratch: `PATH`, `HOME`, `OPENKOI_HOME`, and
/// local-server addresses pointing at closed loopback ports, so no run can reach the developer's keys,
/// config or model servers. Tests add what they need.
final class CLISandbox: Sendable {
    let root: String
    var home: String { root + "/home" }
    var openkoiHome: String { root + "/openkoi" }
    var workspace: String { root + "/work" }
    var stateDirectory: String { openkoiHome + "/state" }
    let baseEnvironment: [String: String]

    init() throws {
        var template = Array("/tmp/openkoi-cli-test-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw CLITestError("mkdtemp failed: errno \(errno)") }
        root = String(cString: made)
        for directory in [root + "/home", root + "/openkoi", root + "/work"] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let closed = try LoopbackHTTPServer.unusedPort()
        baseEnvironment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": root + "/home",
            "OPENKOI_HOME": root + "/openkoi",
            "OPENKOI_LOCAL_BASE_URL": "http://127.0.0.1:\(closed)/v1",
            "OLLAMA_HOST": "127.0.0.1:\(closed)",
            // Logins found in a test's auth.json must never reach github.com or auth.openai.com.
            "GITHUB_API_URL": "http://127.0.0.1:\(closed)", "GITHUB_SERVER_URL": "http://127.0.0.1:\(closed)",
            "OPENKOI_OPENAI_AUTH_URL": "http://127.0.0.1:\(closed)",
        ]
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// Writes `text` to `relative` inside the working directory; returns the absolute path.
    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String {
        let path = workspace + "/" + relative
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw CLITestError("cannot write \(path)")
        }
        return path
    }

    func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Every regular file under `OPENKOI_HOME`, with its text.
    func openkoiHomeFiles() throws -> [(path: String, text: String)] {
        try FileManager.default.subpathsOfDirectory(atPath: openkoiHome).compactMap { relative in
            let path = openkoiHome + "/" + relative
            var info = stat()
            guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, let text = read(path) else { return nil }
            return (path, text)
        }
    }

    /// Runs the binary with `arguments`, stdin from /dev/null, in the working directory.
    ///
    /// - Parameters:
    ///   - environment: added to (or, with an empty value, removing from) the sandbox environment.
    ///   - timeout: seconds before the process group is killed; a timeout fails the test.
    func run(
        _ arguments: [String], environment: [String: String] = [:], timeout: Double = 60,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> CLIRun {
        let binary = try OpenKoiBinary.path()
        var env = baseEnvironment
        for (name, value) in environment { env[name] = value.isEmpty ? nil : value }
        let result = try await Subprocess(
            .argv([binary] + arguments), workingDirectory: workspace, environment: env, timeout: timeout,
            killGracePeriod: 1, capture: .separate
        ).run()
        let run = CLIRun(exitCode: result.exitCode, stdout: result.output, stderr: result.errorOutput)
        try #require(
            !result.timedOut, "openkoi \(arguments) did not finish within \(timeout) s\n\(run.transcript)",
            sourceLocation: sourceLocation)
        return run
    }
}

extension CLISandbox {
    /// The file `runShell(pidFile: true)` writes the binary's pid to, before it starts.
    var pidFile: String { root + "/openkoi.pid" }

    /// Runs the binary through `/bin/sh` with `redirect` applied (`> /dev/full`, `>&-`), optionally
    /// writing its pid to `pidFile` first (the shell `exec`s it, so the pid is the binary's).
    func runShell(
        _ arguments: [String], redirect: String = "", writePID: Bool = false, environment: [String: String] = [:],
        timeout: Double = 60
    ) async throws -> CLIRun {
        var env = baseEnvironment
        for (name, value) in environment { env[name] = value.isEmpty ? nil : value }
        let pid = writePID ? "echo $$ > \"$OPENKOI_TEST_PID_FILE\"; " : ""
        env["OPENKOI_TEST_PID_FILE"] = pidFile
        let script = "\(pid)exec \"$0\" \"$@\" \(redirect)"
        let result = try await Subprocess(
            .argv(["/bin/sh", "-c", script, try OpenKoiBinary.path()] + arguments), workingDirectory: workspace,
            environment: env, timeout: timeout, killGracePeriod: 1, capture: .separate
        ).run()
        let run = CLIRun(exitCode: result.exitCode, stdout: result.output, stderr: result.errorOutput)
        try #require(!result.timedOut, "openkoi \(arguments) did not finish within \(timeout) s\n\(run.transcript)")
        return run
    }
}

/// An OpenAI-compatible chat API on 127.0.0.1 that answers each request from a handler, so tests with
/// concurrent tasks need not predict the order requests arrive in.
final class OpenAIChatEndpoint: Sendable {
    let http: LoopbackHTTPServer

    /// - Parameter answer: the response to one chat request, given its body as text.
    init(answer: @escaping @Sendable (String) -> ScriptedResponse) throws {
        http = try LoopbackHTTPServer { request in
            let path = request.path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.path
            guard request.method == "POST", path == "/v1/chat/completions" else {
                return .json(status: 404, OpenAIFixtures.error(message: "no such path: \(path)", type: "not_found"))
            }
            return answer(request.bodyText)
        }
    }

    /// The usual test double: executor requests get `executorAnswer(body)`, judge requests (they carry
    /// "# Rubric") get `verdict`.
    convenience init(
        verdict: String = ChatReplies.passingVerdict, executorAnswer: @escaping @Sendable (String) -> String
    ) throws {
        try self.init { body in
            ChatReplies.text(ChatReplies.isJudgeRequest(body) ? verdict : executorAnswer(body))
        }
    }

    /// `http://127.0.0.1:<port>/v1`, the value for `OPENAI_BASE_URL`.
    var baseURL: String { http.baseURL + "/v1" }

    var requests: [RecordedRequest] { get async { await http.requests } }

    func shutdown() { http.shutdown() }
}

/// Chat replies and request classification shared by the tests.
enum ChatReplies {
    static let passingVerdict = #"{"scores":{"relevance":0.9,"quality":0.9,"completeness":0.9},"findings":[]}"#

    static func isJudgeRequest(_ body: String) -> Bool { body.contains("# Rubric") }

    /// A streamed text answer in OpenAI's SSE shape.
    static func text(_ text: String, promptTokens: Int = 10, completionTokens: Int = 5) -> ScriptedResponse {
        .streamed(
            headers: FakeOpenAIServer.sseHeaders,
            parts: OpenAIFixtures.textStream([text], prompt: promptTokens, completion: completionTokens).map {
                .text($0)
            })
    }

    static let unauthorized = ScriptedResponse.json(status: 401, OpenAIFixtures.invalidAPIKey)
}

/// The environment that points the `openai` provider at a fake.
func openAIEnvironment(baseURL: String, key: String = "test-key") -> [String: String] {
    ["OPENAI_API_KEY": key, "OPENAI_BASE_URL": baseURL]
}

struct CLITestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
