import FoundationEssentials
import OpenKoiCore
import OpenKoiTesting
import Testing

/// `openkoi models`: what a provider lists, with limits and prices, and the hour-long cache.
struct ModelsCommandTests {
    static let models = ["gpt-4.1", "gpt-4.1-mini", "my-finetune"]

    static func modelListRequests(_ server: FakeOpenAIServer) async -> Int {
        await server.server.requests.filter { $0.method == "GET" && $0.path == "/v1/models" }.count
    }

    @Test func jsonListsTheProvidersModelsWithLimitsPricesAndTools() async throws {
        let sandbox = try CLISandbox()
        let server = try FakeOpenAIServer([], models: Self.models)
        defer { server.shutdown() }
        let run = try await sandbox.run(["models", "--json"], environment: openAIEnvironment(baseURL: server.baseURL))
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(run.stderr == "")
        let rows = try #require(try run.singleJSONArray(), "\(run.stdout)")
        #expect(rows.map { $0["id"] } == Self.models.map { .string($0) })
        #expect(rows.allSatisfy { $0["provider"] == "openai" && $0["supports_tools"] == true })
        let mini = try #require(rows.first { $0["id"] == "gpt-4.1-mini" })
        #expect(mini["context_window"] == 1_047_576)
        #expect(mini["max_output_tokens"] == 32_768)
        #expect(mini["input_price_per_mtok"] == 0.4)
        #expect(mini["output_price_per_mtok"] == 1.6)
        // A model the catalog does not know gets the list's defaults.
        let unknown = try #require(rows.first { $0["id"] == "my-finetune" })
        #expect(unknown["context_window"] == 128_000)
        #expect(unknown["input_price_per_mtok"]?.doubleValue != nil)
    }

    @Test func theTableShowsOneLinePerModel() async throws {
        let sandbox = try CLISandbox()
        let server = try FakeOpenAIServer([], models: ["gpt-4.1", "gpt-4.1-mini"])
        defer { server.shutdown() }
        let run = try await sandbox.run(["models"], environment: openAIEnvironment(baseURL: server.baseURL))
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(
            run.stdout == """
                OpenAI (openai): 2 model(s)
                  openai/gpt-4.1                               1047k ctx, 32k out, $2.00/$8.00 per Mtok, tools
                  openai/gpt-4.1-mini                          1047k ctx, 32k out, $0.40/$1.60 per Mtok, tools

                """)
    }

    @Test func providerFiltersToOneProviderAndAsksNoOther() async throws {
        let sandbox = try CLISandbox()
        let openai = try FakeOpenAIServer([], models: ["gpt-4.1"])
        let groq = try FakeOpenAIServer([], models: ["llama-3.3-70b-versatile"])
        defer {
            openai.shutdown()
            groq.shutdown()
        }
        var environment = openAIEnvironment(baseURL: openai.baseURL)
        environment["GROQ_API_KEY"] = "gsk_test_key_123456"
        environment["GROQ_BASE_URL"] = groq.baseURL

        let all = try await sandbox.run(["models", "--json"], environment: environment)
        #expect(all.exitCode == 0, "\(all.transcript)")
        let everything = try #require(try all.singleJSONArray())
        #expect(Set(everything.compactMap { $0["provider"]?.stringValue }) == ["openai", "groq"])

        let filtered = try await sandbox.run(
            ["models", "--json", "--provider", "groq", "--refresh"], environment: environment)
        #expect(filtered.exitCode == 0, "\(filtered.transcript)")
        let rows = try #require(try filtered.singleJSONArray())
        #expect(rows.map { $0["id"] } == ["llama-3.3-70b-versatile"])
        #expect(rows.allSatisfy { $0["provider"] == "groq" })
        #expect(await Self.modelListRequests(openai) == 1, "--provider groq does not ask OpenAI")
        #expect(await Self.modelListRequests(groq) == 2)
    }

    @Test func anUnknownProviderFailsWithTheKnownOnes() async throws {
        let sandbox = try CLISandbox()
        let run = try await sandbox.run(["models", "--provider", "nosuchhost"])
        #expect(run.exitCode == 1, "\(run.transcript)")
        #expect(run.stdout == "")
        #expect(
            run.stderr == "error: unknown provider 'nosuchhost'. Known providers: copilot, chatgpt, anthropic, "
                + "openai, google, bedrock, openrouter, groq, together, deepseek, xai, moonshot, qwen, ollama, local\n")
    }

    @Test func theListIsCachedAndRefreshAsksAgain() async throws {
        let sandbox = try CLISandbox()
        let server = try FakeOpenAIServer([], models: Self.models)
        defer { server.shutdown() }
        let environment = openAIEnvironment(baseURL: server.baseURL)
        let first = try await sandbox.run(["models", "--json"], environment: environment)
        #expect(first.exitCode == 0, "\(first.transcript)")
        #expect(await Self.modelListRequests(server) == 1)
        let cache = sandbox.openkoiHome + "/cache/openai-models.json"
        let cached = try #require(sandbox.read(cache).flatMap(JSONValue.parse), "no \(cache)")
        #expect(cached["base_url"] == .string(server.baseURL))
        #expect(cached["models"]?.arrayValue?.count == Self.models.count)
        #expect(permissions(of: cache) == 0o600)

        let second = try await sandbox.run(["models", "--json"], environment: environment)
        #expect(second.stdout == first.stdout)
        #expect(await Self.modelListRequests(server) == 1, "the second run reads the cache")

        let refreshed = try await sandbox.run(["models", "--json", "--refresh"], environment: environment)
        #expect(refreshed.stdout == first.stdout)
        #expect(await Self.modelListRequests(server) == 2)
    }

    @Test func aCacheOlderThanAnHourIsAskedAgain() async throws {
        let sandbox = try CLISandbox()
        let server = try FakeOpenAIServer([], models: ["gpt-4.1"])
        defer { server.shutdown() }
        let environment = openAIEnvironment(baseURL: server.baseURL)
        _ = try await sandbox.run(["models", "--json"], environment: environment)
        let cache = sandbox.openkoiHome + "/cache/openai-models.json"
        let entry = try #require(sandbox.read(cache).flatMap(JSONValue.parse)?.objectValue, "no \(cache)")
        var aged = entry
        aged["cached_at"] = .number(Date().timeIntervalSince1970 - 3700)
        try Data(JSONValue.object(aged).jsonString.utf8).write(to: URL(fileURLWithPath: cache))
        let run = try await sandbox.run(["models", "--json"], environment: environment)
        #expect(try run.singleJSONArray()?.map { $0["id"] } == ["gpt-4.1"], "\(run.stdout)")
        #expect(await Self.modelListRequests(server) == 2, "an entry older than an hour is a miss")
    }

    @Test func theCacheIsNotUsedForAnotherBaseURL() async throws {
        let sandbox = try CLISandbox()
        let first = try FakeOpenAIServer([], models: ["gpt-4.1"])
        let second = try FakeOpenAIServer([], models: ["gpt-4.1-mini"])
        defer {
            first.shutdown()
            second.shutdown()
        }
        _ = try await sandbox.run(["models", "--json"], environment: openAIEnvironment(baseURL: first.baseURL))
        let run = try await sandbox.run(["models", "--json"], environment: openAIEnvironment(baseURL: second.baseURL))
        #expect(try run.singleJSONArray()?.map { $0["id"] } == ["gpt-4.1-mini"])
        #expect(await Self.modelListRequests(second) == 1)
    }
}

extension CLIRun {
    /// stdout as one JSON array on one line (`models --json`); `nil` when it is not.
    func singleJSONArray() throws -> [JSONValue]? {
        guard stdout.hasSuffix("\n"), !stdout.dropLast().contains("\n") else { return nil }
        return JSONValue.parse(String(stdout.dropLast()))?.arrayValue
    }
}

/// `openkoi models` on the other list formats: Gemini's pages and Copilot's list behind its login.
struct ModelsListFormatTests {
    @Test func aGeminiTableListsEveryPageWithoutEmbeddingModels() async throws {
        let sandbox = try CLISandbox()
        let gemini = try FakeGeminiServer([], apiKey: "AIzaSy-test-mygem-key")
        defer { gemini.shutdown() }
        let config = try sandbox.write(
            "gemini.toml",
            "[providers.mygem]\nkind = \"gemini\"\nbase_url = \"\(gemini.baseURL)\"\napi_key_env = \"MYKEY\"\n")
        let run = try await sandbox.run(
            ["models", "--json", "--config", config, "--provider", "mygem"],
            environment: ["MYKEY": "AIzaSy-test-mygem-key"])
        #expect(run.exitCode == 0, "\(run.transcript)")
        let rows = try #require(try run.singleJSONArray(), "\(run.stdout)")
        #expect(rows.map { $0["id"] } == ["gemini-2.5-pro", "gemini-2.0-flash", "gemma-3-27b-it"])
        #expect(rows.allSatisfy { $0["provider"] == "mygem" })
        #expect(await gemini.requests.filter { $0.path.hasPrefix("/v1beta/models") }.count == 2, "two pages")
    }

    @Test func copilotListsItsChatModelsAfterALogin() async throws {
        let sandbox = try CLISandbox()
        let github = try FakeGitHubServer(
            interval: 1, polls: [.token(SubscriptionLoginTests.githubToken)],
            exchanges: [.session(token: "tid=models-1", expiresAt: Int(Date().timeIntervalSince1970) + 3600)])
        defer { github.shutdown() }
        let login = try await sandbox.run(["connect", "copilot"], environment: ["GITHUB_SERVER_URL": github.rootURL])
        #expect(login.exitCode == 0, "\(login.transcript)")
        let run = try await sandbox.run(
            ["models", "--json", "--provider", "copilot"], environment: ["GITHUB_API_URL": github.rootURL])
        #expect(run.exitCode == 0, "\(run.transcript)")
        let rows = try #require(try run.singleJSONArray(), "\(run.stdout)")
        #expect(rows.map { $0["id"] } == ["claude-sonnet-4", "gpt-4o-mini"], "chat models, picker ones first")
        #expect(rows.allSatisfy { $0["input_price_per_mtok"] == 0 && $0["output_price_per_mtok"] == 0 })
        #expect(await github.requests(to: "/models").allSatisfy { $0.header("Authorization") == "Bearer tid=models-1" })
    }
}
