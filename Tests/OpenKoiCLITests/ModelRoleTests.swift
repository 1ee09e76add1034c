import FoundationEssentials
import Glibc
import OpenKoiCore
import OpenKoiTesting
import Testing

/// `[models] evaluator` routes the judge to another model than the executor, and the bundled
/// local model is started on demand when it is installed but not running.
struct ModelRoleTests {
    @Test func theEvaluatorRoleUsesItsOwnProviderAndModel() async throws {
        let sandbox = try CLISandbox()
        let executor = try OpenAIChatEndpoint { _ in ChatReplies.text("4") }
        let judge = try OpenAIChatEndpoint { _ in ChatReplies.text(ChatReplies.passingVerdict) }
        defer {
            executor.shutdown()
            judge.shutdown()
        }
        try sandbox.write(
            "roles.toml",
            """
            [models]
            evaluator = "judgehost/judge-model"

            [providers.judgehost]
            base_url = "\(judge.baseURL)"
            """)
        let run = try await sandbox.run(
            ["--json", "--config", "roles.toml", "-m", "openai/gpt-4.1", "What is 2+2?"],
            environment: openAIEnvironment(baseURL: executor.baseURL))
        #expect(run.exitCode == 0, "\(run.transcript)")
        let result = try run.singleJSONObject()
        #expect(result["output"] == "4")
        #expect(result["decision"] == "accept")
        let executorBodies = await executor.requests.map(\.bodyText)
        let judgeBodies = await judge.requests.map(\.bodyText)
        #expect(executorBodies.count == 1)
        #expect(!executorBodies.contains(where: ChatReplies.isJudgeRequest))
        #expect(judgeBodies.count == 1)
        #expect(judgeBodies.allSatisfy { ChatReplies.isJudgeRequest($0) && $0.contains(#""model":"judge-model""#) })
    }

    /// A stand-in for `scripts/local-model/start.sh`: starts a small OpenAI-compatible server
    /// (detached, as the real script does) and returns once its port accepts connections.
    func installFakeLocalModel(in sandbox: CLISandbox, port: Int) throws -> (marker: String, pidFile: String) {
        let directory = sandbox.home + "/.cache/openkoi/models"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let marker = sandbox.root + "/started-with.txt"
        let pidFile = sandbox.root + "/server.pid"
        let server = sandbox.root + "/fake_llama.py"
        try Data(Self.fakeServer.utf8).write(to: URL(fileURLWithPath: server))
        let script = directory + "/start.sh"
        try Data(
            """
            #!/bin/sh
            echo "$@" > '\(marker)'
            setsid python3 '\(server)' \(port) </dev/null >/dev/null 2>&1 &
            echo $! > '\(pidFile)'
            exec python3 -c 'import socket, sys, time
            for _ in range(400):
                try:
                    socket.create_connection(("127.0.0.1", \(port)), 0.2).close(); sys.exit(0)
                except OSError:
                    time.sleep(0.05)
            sys.exit(1)'
            """.utf8
        ).write(to: URL(fileURLWithPath: script))
        chmod(script, 0o755)
        let launch =
            #"{"start": "\#(script)", "args": ["--port", "\#(port)"], "model": "tiny-local", "port": \#(port)}"#
        try Data(launch.utf8).write(to: URL(fileURLWithPath: directory + "/launch-\(port).json"))
        return (marker, pidFile)
    }

    static let fakeServer = """
        import json, sys, http.server
        class Handler(http.server.BaseHTTPRequestHandler):
            def reply(self, status, kind, body):
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def do_GET(self):
                if self.path.startswith("/v1/models"):
                    self.reply(200, "application/json", json.dumps({"object": "list", "data": [{"id": "tiny-local"}]}).encode())
                else:
                    self.reply(404, "application/json", b"{}")
            def do_POST(self):
                request = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
                judge = "# Rubric" in request
                text = json.dumps({"scores": {"relevance": 0.9, "quality": 0.9, "completeness": 0.9}, "findings": []}) if judge else "The capital of France is Paris."
                chunks = [{"choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}]},
                          {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}]
                body = "".join("data: " + json.dumps(c) + "\\n\\n" for c in chunks) + "data: [DONE]\\n\\n"
                self.reply(200, "text/event-stream", body.encode())
            def log_message(self, *args):
                pass
        http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
        """

    @Test func anInstalledLocalModelIsStartedOnDemand() async throws {
        let sandbox = try CLISandbox()
        let port = try LoopbackHTTPServer.unusedPort()
        let fake = try installFakeLocalModel(in: sandbox, port: port)
        defer {
            if let pid = sandbox.read(fake.pidFile).flatMap({ Int32($0.trimmed) }) { kill(pid, SIGTERM) }
        }
        let run = try await sandbox.run(
            ["What is the capital of France?"], environment: ["OPENKOI_LOCAL_BASE_URL": "http://127.0.0.1:\(port)/v1"])
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(run.stdout.contains("Paris"))
        #expect(
            run.stderr.contains("[local] starting the local model tiny-local on 127.0.0.1:\(port)"), "\(run.stderr)")
        let arguments = try #require(sandbox.read(fake.marker))
        #expect(
            arguments.contains("--port \(port) --log \(sandbox.openkoiHome)/data/logs/local-model.log"), "\(arguments)")
    }

    @Test func noLocalModelIsStartedWhenAnotherProviderIsThere() async throws {
        let sandbox = try CLISandbox()
        let port = try LoopbackHTTPServer.unusedPort()
        let fake = try installFakeLocalModel(in: sandbox, port: port)
        let server = try OpenAIChatEndpoint(executorAnswer: { _ in "4" })
        defer { server.shutdown() }
        var environment = openAIEnvironment(baseURL: server.baseURL)
        environment["OPENKOI_LOCAL_BASE_URL"] = "http://127.0.0.1:\(port)/v1"
        let run = try await sandbox.run(["--quiet", "What is 2+2?"], environment: environment)
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(run.stdout == "4\n")
        #expect(sandbox.read(fake.marker) == nil, "the local model was not started")
    }
}
