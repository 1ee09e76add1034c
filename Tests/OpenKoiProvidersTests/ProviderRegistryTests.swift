import OpenKoiCore
import OpenKoiTesting
import Testing

@testable import OpenKoiProviders

/// Every built-in provider resolves to its wire format with its key; config tables add hosts of any
/// wire format; names are checked against model lists with suggestions.
struct ProviderRegistryTests {
    let localEnv = ["OLLAMA_HOST": "http://ollama.test:11434", "OPENKOI_LOCAL_BASE_URL": "http://local.test:8080/v1"]

    func resolver(_ env: [String: String], tables: [CustomProviderSpec] = [], transport: any HTTPTransport)
        -> ProviderResolver
    {
        ProviderResolver(
            environment: localEnv.merging(env) { _, new in new }, customProviders: tables, transport: transport)
    }

    @Test func theConfigModuleKnowsTheSameBuiltInIDs() {
        #expect(ProviderConfig.builtInIDs == Set(ProviderProfile.builtIn.map(\.id)))
        #expect(Set(ProviderConfig.kinds) == Set(WireFormat.allCases.map(\.rawValue)))
    }

    /// Variable, provider id, wire-format type.
    static let keyedProviders: [String] = [
        "GOOGLE_API_KEY google GeminiProvider", "GEMINI_API_KEY google GeminiProvider",
        "GROQ_API_KEY groq OpenAIChatProvider", "OPENROUTER_API_KEY openrouter OpenAIChatProvider",
        "TOGETHER_API_KEY together OpenAIChatProvider", "DEEPSEEK_API_KEY deepseek OpenAIChatProvider",
        "XAI_API_KEY xai OpenAIChatProvider", "MOONSHOT_API_KEY moonshot OpenAIChatProvider",
        "KIMI_API_KEY moonshot OpenAIChatProvider", "QWEN_API_KEY qwen OpenAIChatProvider",
        "ANTHROPIC_API_KEY anthropic AnthropicProvider", "OPENAI_API_KEY openai OpenAIChatProvider",
    ]

    @Test(arguments: keyedProviders)
    func aKeyInTheEnvironmentSelectsItsProvider(row: String) async throws {
        let fields = row.split(separator: " ").map(String.init)
        let (variable, id, type) = (fields[0], fields[1], fields[2])
        let found = try await resolver([variable: "k-123456789012"], transport: ScriptedTransport.routing([:]))
            .resolve(model: nil)
        #expect(found.provider.id == id)
        let actualType = String(describing: Swift.type(of: found.provider))
        #expect(actualType == type)
        let expected = ProviderProfile.builtIn(id)?.defaultModel
        #expect(found.model == expected)
    }

    @Test func withoutItsKeyAProviderSaysWhichVariableToSet() async throws {
        await #expect {
            try await resolver([:], transport: ScriptedTransport.routing([:])).resolve(model: "groq/llama-3.3-70b")
        } throws: { error in
            (error as? ProviderError)?.message.contains("GROQ_API_KEY is not set; export GROQ_API_KEY=...") == true
        }
        await #expect {
            try await resolver([:], transport: ScriptedTransport.routing([:])).resolve(model: "copilot/gpt-4.1")
        } throws: { error in
            (error as? ProviderError)?.message.contains("run `openkoi connect copilot`") == true
        }
    }

    @Test func logInsComeFirstThenKeysInTheReferenceOrder() async throws {
        let both = resolver(
            ["OPENAI_API_KEY": "o", "GOOGLE_API_KEY": "g", "ANTHROPIC_API_KEY": "a"],
            transport: ScriptedTransport.routing([:]))
        #expect(both.availableProfiles().map(\.id) == ["anthropic", "openai", "google"])
    }

    @Test func aTableNamesItsWireFormatWithKind() async throws {
        let tables = [
            CustomProviderSpec(id: "gem", baseURL: "http://gem.test/v1beta", apiKeyEnv: "GEM_KEY", kind: .gemini),
            CustomProviderSpec(id: "claudeproxy", baseURL: "http://proxy.test", kind: .anthropic),
            CustomProviderSpec(id: "resp", baseURL: "http://resp.test/v1", kind: .openaiResponses),
        ]
        let r = resolver(["GEM_KEY": "g"], tables: tables, transport: ScriptedTransport.routing([:]))
        #expect(try r.provider(id: "gem") is GeminiProvider)
        #expect((try r.provider(id: "claudeproxy") as? AnthropicProvider)?.baseURL == "http://proxy.test")
        #expect(try r.provider(id: "resp") is OpenAIResponsesProvider)
        #expect(
            try await r.resolve(model: "gem/gemini-2.5-flash").ref
                == ModelRef(provider: "gem", model: "gemini-2.5-flash"))
    }

    @Test func bareModelIDsFindTheirVendorAmongAvailableProviders() async throws {
        let r = resolver(["GOOGLE_API_KEY": "g", "OPENAI_API_KEY": "o"], transport: ScriptedTransport.routing([:]))
        #expect(try await r.resolve(model: "gemini-2.5-flash").provider.id == "google")
        #expect(try await r.resolve(model: "gpt-4.1-mini").provider.id == "openai")
    }

    @Test func anUnknownModelIsRefusedWithSuggestionsNotReplaced() async throws {
        let models = OpenAIFixtures.modelList(["gpt-4.1", "gpt-4.1-mini", "gpt-4o"])
        let transport = ScriptedTransport.routing(["/models": .respond(chunks: [models])])
        let r = resolver(["OPENAI_API_KEY": "o"], transport: transport)
        await #expect {
            try await r.resolve(model: "openai/gpt-4o-typo")
        } throws: { error in
            guard let failure = error as? ProviderError else { return false }
            return failure.message.contains("model 'gpt-4o-typo' not found in OpenAI")
                && failure.message.contains("Did you mean: gpt-4o")
                && failure.message.contains("openkoi models --provider openai")
        }
        let loose = try await r.resolve(model: "openai/gpt-4.1-m")
        #expect(loose.model == "gpt-4.1-mini")
        #expect(loose.correctedFrom == "gpt-4.1-m")
        #expect(loose.info?.pricing?.inputPerMTok == 0.4)  // the catalog's price for the listed model
    }

    /// A Claude CLI login is an OAuth token: `Authorization: Bearer` and the OAuth beta header, never `x-api-key`.
    @Test func anOAuthTokenIsSentAsABearerToAnthropic() async throws {
        let transport = ScriptedTransport([
            .respond(headers: ["content-type": "text/event-stream"], chunks: AnthropicFixtures.textStream(["Paris"]))
        ])
        let provider = AnthropicProvider(apiKey: nil, bearerToken: "oat-token", transport: transport)
        let response = try await provider.chat(ChatRequest(model: "claude-sonnet-4-20250514", messages: [.user("q")]))
        #expect(response.content == "Paris")
        let sent = try #require(await transport.requests.first)
        #expect(sent.headers["authorization"] == "Bearer oat-token")
        #expect(sent.headers["anthropic-beta"] == AnthropicProvider.oauthBeta)
        #expect(sent.headers["x-api-key"] == nil)
    }
}
