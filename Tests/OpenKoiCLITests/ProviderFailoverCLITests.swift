import FoundationEssentials
import OpenKoiCore
import OpenKoiProviders
import OpenKoiTesting
import Testing

/// `[models.fallback] executor`: when the primary provider is down the task finishes on the fallback,
/// and progress says so.
struct ProviderFailoverCLITests {
    static let task = ["-m", "openai/gpt-4.1", "What is 2+2?"]

    /// A config whose executor falls back to `fallbackhost/model-b` at `fallbackURL`.
    static func config(fallbackURL: String, retry: String) -> String {
        """
        [models.fallback]
        executor = ["fallbackhost/model-b"]

        [providers.fallbackhost]
        base_url = "\(fallbackURL)"

        [retry]
        \(retry)
        """
    }

    @Test func aPrimaryThatIsDownFailsOverToTheFallback() async throws {
        let sandbox = try CLISandbox()
        let primary = try FakeOpenAIServer([])
        let primaryURL = primary.baseURL
        primary.shutdown()  // nothing listens there any more
        let fallback = try OpenAIChatEndpoint(executorAnswer: { _ in "4 (from B)" })
        defer { fallback.shutdown() }
        let config = try sandbox.write(
            "failover.toml", Self.config(fallbackURL: fallback.baseURL, retry: "base_delay_seconds = 0"))
        let run = try await sandbox.run(
            ["--config", config] + Self.task, environment: openAIEnvironment(baseURL: primaryURL))
        #expect(run.exitCode == 0, "\(run.transcript)")
        #expect(run.stdout == "4 (from B)\n")
        let failovers = run.stderr.split(separator: "\n").filter { $0.hasPrefix("[failover] ") }
        #expect(!failovers.isEmpty, "\(run.stderr)")
        #expect(
            failovers.allSatisfy {
                $0.hasPrefix("[failover] openai/gpt-4.1 failed (")
                    && $0.hasSuffix("); continuing on fallbackhost/model-b")
            }, "\(failovers)")
        let bodies = await fallback.requests.map(\.bodyText)
        #expect(!bodies.isEmpty)
        #expect(bodies.allSatisfy { JSONValue.parse($0)?["model"] == "model-b" }, "the fallback is asked for its model")
    }

    @Test func oneAttemptMakesThePrimaryFailFast() async throws {
        let sandbox = try CLISandbox()
        let primary = try FakeOpenAIServer([.serverError, .serverError, .serverError, .serverError])
        let fallback = try OpenAIChatEndpoint(executorAnswer: { _ in "4 (from B)" })
        defer {
            primary.shutdown()
            fallback.shutdown()
        }
        let config = try sandbox.write(
            "failover.toml", Self.config(fallbackURL: fallback.baseURL, retry: "max_attempts = 1"))
        let run = try await sandbox.run(
            ["--json", "--config", config] + Self.task, environment: openAIEnvironment(baseURL: primary.baseURL))
        #expect(run.exitCode == 0, "\(run.transcript)")
        let result = try run.singleJSONObject()
        #expect(result["output"] == "4 (from B)")
        #expect(result["status"] == "accepted")
        #expect(result["model"] == "fallbackhost/model-b", "the result names the model that answered")
        // Two calls (the answer and the judge), each tried once on the primary, then on B.
        let primaryChats = await primary.server.requests.filter { $0.path == "/v1/chat/completions" }
        #expect(primaryChats.count == 2, "\(primaryChats.count) requests reached the primary")
        #expect(await fallback.requests.count == 2)
    }

    @Test func withoutAFallbackTheOutageIsTheTasksError() async throws {
        let sandbox = try CLISandbox()
        let primary = try FakeOpenAIServer([])
        defer { primary.shutdown() }
        let config = try sandbox.write("retry.toml", "[retry]\nmax_attempts = 2\nbase_delay_seconds = 0\n")
        let run = try await sandbox.run(
            ["--config", config] + Self.task, environment: openAIEnvironment(baseURL: primary.baseURL))
        #expect(run.exitCode == 1, "\(run.transcript)")
        #expect(run.stdout == "")
        #expect(!run.stderr.contains("[failover]"))
        #expect(await primary.server.requests.filter { $0.path == "/v1/chat/completions" }.count == 2)
    }

    /// Both calls (answer and judge) were answered by the fallback, so both cost the fallback's price.
    @Test func callsThatFailedOverAreChargedAtTheFallbacksPrice() async throws {
        let sandbox = try CLISandbox()
        let primary = try FakeOpenAIServer([])
        defer { primary.shutdown() }
        let fallback = try OpenAIChatEndpoint(executorAnswer: { _ in "4 (from B)" })
        defer { fallback.shutdown() }
        let config = try sandbox.write(
            "failover.toml", Self.config(fallbackURL: fallback.baseURL, retry: "max_attempts = 1"))
        let run = try await sandbox.run(
            ["--json", "--config", config] + Self.task, environment: openAIEnvironment(baseURL: primary.baseURL))
        #expect(run.exitCode == 0, "\(run.transcript)")
        let result = try run.singleJSONObject()
        #expect(result["tokens"] == 30)
        // Each call: 10 prompt + 5 completion tokens at fallbackhost's (unknown-model) price.
        let price = PricingTable.pricing(provider: "fallbackhost", model: "model-b")
        let expected = 2 * (10 * price.inputPerMTok + 5 * price.outputPerMTok) / 1e6
        let cost = try #require(result["cost_usd"]?.doubleValue, "\(run.stdout)")
        #expect(abs(cost - expected) < 1e-9, "cost_usd \(cost), expected \(expected)")
    }
}
