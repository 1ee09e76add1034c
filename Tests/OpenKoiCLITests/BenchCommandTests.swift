import FoundationEssentials
import Glibc
import OpenKoiBench
import OpenKoiCore
import OpenKoiTesting
import Testing

/// `openkoi bench` through the binary, against an OpenAI-compatible fake whose two models have
/// known per-task behaviour: gpt-4.1 answers tasks 1–3 at iteration 1; gpt-4.1-mini answers 1–2 at
/// iteration 1 and 3–4 only when refining (told its answer was wrong).
struct BenchCommandTests {
    static let behaviour: [String: [Int: Int]] = [
        "gpt-4.1": [1: 1, 2: 1, 3: 1],
        "gpt-4.1-mini": [1: 1, 2: 1, 3: 2, 4: 2],
    ]

    static func suite(_ count: Int) -> String {
        (1...count).map { n in
            #"{"id": "task-\#(n)", "task": "Give the code word for task number \#(n).", "expect": "ZEBRA-\#(n)"}"#
        }.joined(separator: "\n") + "\n"
    }

    static func taskNumber(_ body: String) -> Int? {
        guard let rest = body.split(separator: "task number ", maxSplits: 1).dropFirst().first else { return nil }
        return Int(rest.prefix { $0.isNumber })
    }

    /// Executor answers per `behaviour` (wrong answers stay wrong unless the request carries the
    /// judge's finding); the judge passes an answer holding the task's code word.
    static func answer(_ body: String, behaviour: [String: [Int: Int]] = Self.behaviour) -> ScriptedResponse {
        let model = JSONValue.parse(body)?["model"]?.stringValue ?? ""
        let number = taskNumber(body) ?? 0
        if ChatReplies.isJudgeRequest(body) {
            return ChatReplies.text(
                body.contains("ZEBRA-\(number)")
                    ? ChatReplies.passingVerdict
                    : Self.failingVerdict)
        }
        let refining = body.contains("WRONG-CODE-WORD")
        let right = behaviour[model]?[number].map { $0 == 1 || refining } ?? false
        return ChatReplies.text(right ? "The code word is ZEBRA-\(number)." : "I do not know it.")
    }

    static let failingVerdict =
        #"{"scores":{"relevance":0.2,"quality":0.2,"completeness":0.2},"findings":[{"severity":"major","#
        + #""title":"WRONG-CODE-WORD","description":"not the code word","fix":"give the code word"}]}"#

    static let arguments = [
        "bench", "suite.jsonl", "-m", "openai/gpt-4.1", "-m", "openai/gpt-4.1-mini", "-i", "1,2", "--trials", "1",
        "--sandbox", "off", "--json",
    ]

    @Test func comparesTwoModelsWithRefineCurvesAndWritesASelfContainedHTMLReport() async throws {
        let sandbox = try CLISandbox()
        try sandbox.write("suite.jsonl", Self.suite(4))
        let server = try OpenAIChatEndpoint(answer: { Self.answer($0) })
        defer { server.shutdown() }
        let run = try await sandbox.run(
            Self.arguments + ["-o", "report.html"], environment: openAIEnvironment(baseURL: server.baseURL),
            timeout: 120)
        #expect(run.exitCode == 0, "\(run.transcript)")
        let report = try run.singleJSONObject()
        let columns = try #require(report["columns"]?.arrayValue)
        func column(_ model: String, _ iterations: Int) throws -> JSONValue {
            try #require(
                columns.first { $0["model"] == .string(model) && $0["iterations"] == .number(Double(iterations)) })
        }
        #expect(try column("openai/gpt-4.1", 1)["passed"] == 3)
        #expect(try column("openai/gpt-4.1-mini", 1)["passed"] == 2)
        #expect(try column("openai/gpt-4.1-mini", 2)["pass_rate_after"] == [0.5, 1.0])
        #expect(try column("openai/gpt-4.1-mini", 2)["mean_iterations_to_pass"] == 1.5)
        let cost = try column("openai/gpt-4.1", 2)["cost_usd"]?.doubleValue
        #expect(cost.map { $0 > 0 } == true, "gpt-4.1 has a listed price: \(report)")
        #expect(report["trials"]?.arrayValue?.count == 16)
        let comparison = try #require(
            report["comparisons"]?.arrayValue?.first {
                $0["a"]?["iterations"] == 2 && $0["b"]?["model"] == "openai/gpt-4.1-mini"
            })
        #expect(comparison["difference"] == 0.25)
        #expect(comparison["discordant"] == ["a_only": 0, "b_only": 1])
        #expect(comparison["flips"]?[0]?["task"] == "task-4")
        #expect(run.stderr.contains("[bench] 16 trial(s)"), "progress goes to stderr: \(run.stderr)")
        #expect(report["settings"]?["judge"] == ["model": "executor", "temperature": 0.1, "seed": 7])
        let judged = await server.requests.filter { ChatReplies.isJudgeRequest($0.bodyText) }
        #expect(!judged.isEmpty && judged.allSatisfy { JSONValue.parse($0.bodyText)?["seed"] == 7 }, "seed pinned")

        let html = try #require(sandbox.read(sandbox.workspace + "/report.html"))
        #expect(html.contains("<svg") && html.contains("<polyline"))
        #expect(!html.contains("src=") && !html.contains("href=") && !html.contains("<script"), "no fetches")
        #expect(html.contains("openai/gpt-4.1-mini -i 2"))
    }

    @Test func aRunKilledWithSIGKILLResumesToTheSameReport() async throws {
        // The uninterrupted run, for comparison.
        let reference = try CLISandbox()
        try reference.write("suite.jsonl", Self.suite(4))
        let plain = try OpenAIChatEndpoint(answer: { Self.answer($0) })
        defer { plain.shutdown() }
        let whole = try await reference.run(
            Self.arguments, environment: openAIEnvironment(baseURL: plain.baseURL), timeout: 120)
        #expect(whole.exitCode == 0, "\(whole.transcript)")

        let sandbox = try CLISandbox()
        try sandbox.write("suite.jsonl", Self.suite(4))
        let gate = LockedValue(true)
        let held = LockedValue(0)
        let (arrived, arrival) = AsyncStream<Void>.makeStream()
        let server = try OpenAIChatEndpoint { body in
            // Each model's lane runs on its own: once both have asked for task 3, tasks 1 and 2
            // (8 trials) are stored. Their task-3 requests are held open.
            if gate.value, Self.taskNumber(body) == 3 {
                if held.withLock({ n -> Int in
                    n += 1
                    return n
                }) == 2 {
                    arrival.yield()
                }
                return .streamed(headers: FakeOpenAIServer.sseHeaders, parts: [.waitForever])
            }
            return Self.answer(body)
        }
        defer { server.shutdown() }
        let environment = openAIEnvironment(baseURL: server.baseURL)
        let killed = Task {
            try await sandbox.runShell(Self.arguments, writePID: true, environment: environment, timeout: 120)
        }
        for await _ in arrived { break }
        let store = BenchStore(path: sandbox.openkoiHome + "/data/openkoi.db")
        let stored = try #require(try await store.runs().first)
        #expect(try await store.trialCount(run: stored.id) == 8, "tasks 1 and 2 are stored before the kill")
        let pid = try #require(sandbox.read(sandbox.pidFile).flatMap { Int32($0.trimmed) })
        #expect(kill(pid, SIGKILL) == 0)
        let first = try await killed.value
        #expect(first.exitCode != 0, "\(first.transcript)")

        gate.withLock { $0 = false }
        let resumed = try await sandbox.run(Self.arguments, environment: environment, timeout: 120)
        #expect(resumed.exitCode == 0, "\(resumed.transcript)")
        #expect(resumed.stderr.contains("resuming: 8 stored"), "\(resumed.stderr)")
        func outcomes(_ run: CLIRun) throws -> [String] {
            try #require(run.singleJSONObject()["trials"]?.arrayValue).map {
                [
                    $0["task"], $0["model"], $0["iterations"], $0["trial"], $0["passed"], $0["scores"], $0["tokens"],
                    $0["cost_usd"],
                ].map { $0?.jsonString ?? "nil" }.joined(separator: " ")
            }
        }
        #expect(try outcomes(resumed) == outcomes(whole))
        func passRates(_ run: CLIRun) throws -> [String] {
            try #require(run.singleJSONObject()["columns"]?.arrayValue).map {
                [$0["model"], $0["iterations"], $0["passed"], $0["pass_rate_after"], $0["tokens"], $0["cost_usd"]]
                    .map { $0?.jsonString ?? "nil" }.joined(separator: " ")
            }
        }
        #expect(try passRates(resumed) == passRates(whole), "the same report, cost included")
    }

    @Test func baselineGateExitsThreeOnARegression() async throws {
        let sandbox = try CLISandbox()
        try sandbox.write("suite.jsonl", Self.suite(3))
        let broken = LockedValue(false)
        let server = try OpenAIChatEndpoint { body in
            var behaviour = Self.behaviour
            if broken.value { behaviour["gpt-4.1"]?[2] = nil }
            return Self.answer(body, behaviour: behaviour)
        }
        defer { server.shutdown() }
        let environment = openAIEnvironment(baseURL: server.baseURL)
        let common = ["bench", "suite.jsonl", "-m", "openai/gpt-4.1", "-i", "1", "--sandbox", "off", "--quiet"]
        let base = try await sandbox.run(common + ["--name", "base"], environment: environment)
        #expect(base.exitCode == 0, "\(base.transcript)")
        let same = try await sandbox.run(common + ["--name", "same", "--baseline", "base"], environment: environment)
        #expect(same.exitCode == 0, "\(same.transcript)")
        #expect(same.stdout.contains("no regressions against the baseline"), "\(same.stdout)")

        broken.withLock { $0 = true }
        let head = try await sandbox.run(common + ["--name", "head", "--baseline", "base"], environment: environment)
        #expect(head.exitCode == 3, "\(head.transcript)")
        #expect(head.stdout.contains("1 regression(s)") && head.stdout.contains("task-2 on openai/gpt-4.1 -i 1"))
        #expect(!head.stdout.contains("task-1"), "only regressions are printed: \(head.stdout)")

        let list = try await sandbox.run(["bench", "--list"])
        #expect(list.stdout.split(separator: "\n").count == 3, "\(list.stdout)")
        #expect(list.stdout.contains("[head]"))
        let show = try await sandbox.run(["bench", "--show", "head", "--json"])
        #expect(try show.singleJSONObject()["columns"]?[0]?["passed"] == 2, "\(show.transcript)")
    }

    @Test func unknownPricesHangingChecksAndBadLines() async throws {
        let sandbox = try CLISandbox()
        let server = try OpenAIChatEndpoint(answer: { Self.answer($0, behaviour: ["mystery-1": [1: 1, 2: 1]]) })
        defer { server.shutdown() }
        try sandbox.write(
            "config.toml",
            """
            [providers.acme]
            base_url = "\(server.baseURL)"
            kind = "openai"
            api_key_env = "ACME_KEY"

            """)
        try sandbox.write(
            "suite.jsonl",
            """
            {"id": "task-1", "task": "Give the code word for task number 1.", "expect": "ZEBRA-1"}
            {"id": "task-2", "task": "Give the code word for task number 2.", \
            "check": {"command": "sleep 30", "timeout_seconds": 1}}
            {"id": "broken", "task": 7}

            """)
        let run = try await sandbox.run(
            ["bench", "suite.jsonl", "-m", "acme/mystery-1", "-i", "1", "--sandbox", "off", "--config", "config.toml"],
            environment: ["ACME_KEY": "k"], timeout: 120)
        #expect(run.exitCode == 1, "a suite line was skipped: \(run.transcript)")
        #expect(run.stderr.contains("suite.jsonl:3: \"task\" is required"), "\(run.stderr)")
        #expect(run.stdout.contains("USD") && run.stdout.contains("unknown"), "\(run.stdout)")
        #expect(!run.stdout.contains("$0.0000"), "an unknown price is never shown as $0: \(run.stdout)")
        #expect(run.stdout.contains("1/2 (50%)"), "task-1 passes, task-2's hanging check fails: \(run.stdout)")
        #expect(run.stdout.contains("Skipped (could not be read)"))
    }

    @Test func aProviderMarkedLocalIsFreeAndSizedLikeTheBundledModel() async throws {
        let sandbox = try CLISandbox()
        let server = try OpenAIChatEndpoint(answer: { Self.answer($0, behaviour: ["qwen-local": [1: 1]]) })
        defer { server.shutdown() }
        for (file, local) in [("remote.toml", ""), ("local.toml", "local = true\n")] {
            try sandbox.write(
                file, "[providers.box]\nbase_url = \"\(server.baseURL)\"\nkind = \"openai\"\n" + local)
        }
        try sandbox.write("suite.jsonl", Self.suite(1))
        // "qwen" in the name matches the hosted Qwen API's list price: not a local model's.
        let remote = try await sandbox.run(
            [
                "bench", "suite.jsonl", "-m", "box/qwen-local", "-i", "1", "--sandbox", "off", "--json", "--config",
                "remote.toml", "--name", "remote",
            ])
        #expect(try remote.singleJSONObject()["trials"]?[0]?["cost_usd"]?.doubleValue.map { $0 > 0 } == true)
        let local = try await sandbox.run(
            [
                "bench", "suite.jsonl", "-m", "box/qwen-local", "-i", "1", "--sandbox", "off", "--json", "--config",
                "local.toml", "--name", "local",
            ])
        #expect(local.exitCode == 0, "\(local.transcript)")
        #expect(try local.singleJSONObject()["trials"]?[0]?["cost_usd"] == 0, "\(local.stdout)")
        #expect(local.stderr.contains("at most $0.0000"), "the estimate knows it is free: \(local.stderr)")
        let bodies = await server.requests.map(\.bodyText).filter { !ChatReplies.isJudgeRequest($0) }
        #expect(bodies.last?.contains("1536") == true, "output capped as for the bundled model")
    }
}
