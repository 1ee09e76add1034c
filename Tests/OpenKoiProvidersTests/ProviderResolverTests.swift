import OpenKoiCore
import OpenKoiTesting
import Testing

@testable import OpenKoiProviders

struct ProviderResolverTests {
    /// Points the local servers at addresses the routing transport answers, never at real ones.
    let localEnv = ["OLLAMA_HOST": "http://ollama.test:11434", "OPENKOI_LOCAL_BASE_URL": "http://local.test:8080/v1"]

    func env(_ extra: [String: String]) -> [String: String] { localEnv.merging(extra) { _, new in new } }

    @Test func anthropicKeyWinsAutoDetection() async throws {
        let transport = ScriptedTransport.routing([:])
        let resolver = ProviderResolver(
            environment: env(["ANTHROPIC_API_KEY": "a", "OPENAI_API_KEY": "o"]), transport: transport)
        let resolved = try await resolver.resolve(model: nil)
        #expect(resolved.ref == ModelRef(provider: "anthropic", model: "claude-sonnet-4-20250514"))
        #expect(await transport.urls.isEmpty)
    }

    @Test func openAIKeyWithBaseURLOverride() async throws {
        let resolver = ProviderResolver(
            environment: env([
                "OPENAI_API_KEY": "o", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "ANTHROPIC_API_KEY": " ",
            ]),
            transport: ScriptedTransport.routing([:]))
        let resolved = try await resolver.resolve(model: nil)
        #expect(resolved.ref == ModelRef(provider: "openai", model: "gpt-4.1"))
        #expect((resolved.provider as? OpenAIChatProvider)?.baseURL == "http://127.0.0.1:9/v1")
    }

    @Test func configuredProviderComesBeforeLocalServers() async throws {
        let groq = CustomProviderSpec(
            id: "groq", baseURL: "https://groq.test/openai/v1", apiKeyEnv: "GROQ_API_KEY",
            defaultModel: "llama-3.3-70b-versatile")
        let transport = ScriptedTransport.routing(["/api/tags": .respond(chunks: [OllamaFixtures.tags(["llama3.1"])])])
        let resolver = ProviderResolver(
            environment: env(["GROQ_API_KEY": "g"]), customProviders: [groq], transport: transport)
        let resolved = try await resolver.resolve(model: nil)
        #expect(resolved.ref == ModelRef(provider: "groq", model: "llama-3.3-70b-versatile"))
    }

    @Test func ollamaIsProbedAndItsBestModelPicked() async throws {
        let transport = ScriptedTransport.routing([
            "/api/tags": .respond(chunks: [OllamaFixtures.tags(["llama3.2:1b", "qwen2.5-coder:7b"])]),
            "/v1/models": .respond(chunks: [OpenAIFixtures.modelList(["smollm2"])]),
        ])
        let resolved = try await ProviderResolver(environment: localEnv, transport: transport).resolve(model: nil)
        #expect(resolved.ref == ModelRef(provider: "ollama", model: "qwen2.5-coder:7b"))
        #expect((resolved.provider as? OllamaProvider)?.baseURL == "http://ollama.test:11434")
    }

    @Test func localServerIsUsedWhenOllamaIsAbsent() async throws {
        let transport = ScriptedTransport.routing([
            "/v1/models": .respond(chunks: [OpenAIFixtures.modelList(["smollm2-135m"])])
        ])
        let resolved = try await ProviderResolver(environment: localEnv, transport: transport, probeTimeout: 0.5)
            .resolve(model: nil)
        #expect(resolved.ref == ModelRef(provider: "local", model: "smollm2-135m"))
        #expect((resolved.provider as? OpenAIChatProvider)?.baseURL == "http://local.test:8080/v1")
    }

    @Test func ollamaWithoutModelsFallsThroughToTheLocalServer() async throws {
        let transport = ScriptedTransport.routing([
            "/api/tags": .respond(chunks: [OllamaFixtures.tags([])]),
            "/v1/models": .respond(chunks: [OpenAIFixtures.modelList(["smollm2"])]),
        ])
        let resolved = try await ProviderResolver(environment: localEnv, transport: transport).resolve(model: nil)
        #expect(resolved.ref == ModelRef(provider: "local", model: "smollm2"))
    }

    @Test func nothingFoundExplainsEverySetup() async throws {
        let resolver = ProviderResolver(environment: localEnv, transport: ScriptedTransport.routing([:]))
        await #expect {
            try await resolver.resolve(model: nil)
        } throws: { error in
            guard let failure = error as? ProviderError, failure.kind == .notConfigured else { return false }
            return ["ANTHROPIC_API_KEY", "OPENAI_API_KEY", "Ollama", "scripts/local-model/start.sh", "[providers."]
                .allSatisfy(failure.message.contains)
        }
    }

    @Test func unknownProviderListsTheKnownIds() async throws {
        let resolver = ProviderResolver(
            environment: localEnv, customProviders: [CustomProviderSpec(id: "mine", baseURL: "https://mine.test/v1")],
            transport: ScriptedTransport.routing([:]))
        await #expect {
            try await resolver.resolve(model: "nope/some-model")
        } throws: { error in
            guard let failure = error as? ProviderError, failure.kind == .notConfigured else { return false }
            return failure.message.contains("copilot, chatgpt, anthropic, openai, google, bedrock, openrouter, groq")
                && failure.message.contains("ollama, local, mine")
        }
    }

    @Test func explicitProviderAndModelNeedNoProbe() async throws {
        let transport = ScriptedTransport.routing([:])
        let resolver = ProviderResolver(environment: localEnv, transport: transport)
        let resolved = try await resolver.resolve(model: "ollama/llama3.3:70b")
        #expect(resolved.ref == ModelRef(provider: "ollama", model: "llama3.3:70b"))
        let local = try await resolver.resolve(model: "local/smollm2")
        #expect(local.ref == ModelRef(provider: "local", model: "smollm2"))
        #expect(await transport.urls.isEmpty)
    }

    @Test func explicitProviderWithoutItsKeySaysWhichVariable() async throws {
        let resolver = ProviderResolver(environment: localEnv, transport: ScriptedTransport.routing([:]))
        await #expect {
            try await resolver.resolve(model: "anthropic/claude-sonnet-4-20250514")
        } throws: { error in
            (error as? ProviderError)?.kind == .notConfigured
                && (error as? ProviderError)?.message.contains("ANTHROPIC_API_KEY") == true
        }
    }

    @Test func bareModelNamesFindTheirVendorOrTheDetectedProvider() async throws {
        let both = ProviderResolver(
            environment: env(["ANTHROPIC_API_KEY": "a", "OPENAI_API_KEY": "o"]),
            transport: ScriptedTransport.routing([:]))
        #expect(
            try await both.resolve(model: "gpt-4.1-mini").ref == ModelRef(provider: "openai", model: "gpt-4.1-mini"))
        #expect(try await both.resolve(model: "claude-opus-4-20250514").provider.id == "anthropic")
        let transport = ScriptedTransport.routing(["/api/tags": .respond(chunks: [OllamaFixtures.tags(["llama3.1"])])])
        let ollamaOnly = ProviderResolver(environment: localEnv, transport: transport)
        #expect(try await ollamaOnly.resolve(model: "phi3").ref == ModelRef(provider: "ollama", model: "phi3"))
    }

    @Test func providerWithoutModelUsesItsDefault() async throws {
        let transport = ScriptedTransport.routing(["/api/tags": .respond(chunks: [OllamaFixtures.tags(["mistral:7b"])])]
        )
        let resolver = ProviderResolver(environment: env(["ANTHROPIC_API_KEY": "a"]), transport: transport)
        #expect(try await resolver.resolve(model: "ollama").ref == ModelRef(provider: "ollama", model: "mistral:7b"))
        #expect(try await resolver.resolve(model: "anthropic/").ref.model == "claude-sonnet-4-20250514")
    }

    @Test func customProviderWithoutKeyStillLoads() async throws {
        let spec = CustomProviderSpec(
            id: "lan", baseURL: "http://lan.test/v1", apiKeyEnv: "LAN_KEY", defaultModel: "auto")
        let transport = ScriptedTransport.routing([
            "lan.test/v1/models": .respond(chunks: [OpenAIFixtures.modelList(["m1", "m2"])])
        ])
        let resolved = try await ProviderResolver(environment: localEnv, customProviders: [spec], transport: transport)
            .resolve(model: "lan")
        #expect(resolved.ref == ModelRef(provider: "lan", model: "m1"))
    }

    /// A table named like a built-in provider overrides its base URL and default model instead of
    /// shadowing it; the SDK's variable (`OPENAI_BASE_URL`) still wins; new ids come after the built-ins.
    @Test func configTablesOverrideBuiltInsAndAddHosts() throws {
        let tables = [
            CustomProviderSpec(id: "openai", baseURL: "http://proxy.test/v1", defaultModel: "gpt-4.1-mini"),
            CustomProviderSpec(id: "x", baseURL: "http://x.test/v1"),
            CustomProviderSpec(id: "x", baseURL: "http://second.test/v1"),
        ]
        let resolver = ProviderResolver(
            environment: ["OPENAI_API_KEY": "k"], customProviders: tables, transport: ScriptedTransport.routing([:]))
        #expect(resolver.knownProviderIDs.suffix(3) == ["ollama", "local", "x"])
        #expect(resolver.profile("openai")?.baseURL == "http://proxy.test/v1")
        #expect(resolver.profile("openai")?.defaultModel == "gpt-4.1-mini")
        #expect(resolver.profile("x")?.baseURL == "http://x.test/v1")
        let overridden = ProviderResolver(
            environment: ["OPENAI_API_KEY": "k", "OPENAI_BASE_URL": "http://env.test/v1"], customProviders: tables,
            transport: ScriptedTransport.routing([:]))
        #expect((try overridden.provider(id: "openai") as? OpenAIChatProvider)?.baseURL == "http://env.test/v1")
    }

    @Test func probesUseTheShortTimeout() async throws {
        let transport = ScriptedTransport([])
        // Nothing points at a server: both default ports are guesses.
        _ = try? await ProviderResolver(environment: [:], transport: transport, probeTimeout: 1).resolve(model: nil)
        let timeouts = await transport.requests.map(\.timeout)
        #expect(timeouts.count == 2)
        #expect(timeouts.allSatisfy { $0 == 1 })
    }

    /// A server the user pointed at may be busy generating for another task: its probe waits longer
    /// than a guess at a default port does (a refused port still fails at once).
    @Test func aServerTheUserPointedAtGetsTheLongerProbe() async throws {
        let transport = ScriptedTransport([])
        let environment = ["OPENKOI_LOCAL_BASE_URL": "http://127.0.0.1:8081/v1"]
        _ = try? await ProviderResolver(environment: environment, transport: transport, probeTimeout: 1).resolve(
            model: nil)
        let timeouts = await transport.requests.map { ($0.url, $0.timeout) }
        #expect(timeouts.contains { $0.0.hasPrefix("http://127.0.0.1:8081/v1") && $0.1 == 5 }, "\(timeouts)")
        #expect(timeouts.contains { $0.0.contains(":11434") && $0.1 == 1 }, "Ollama is still only guessed at")
    }

    @Test(
        arguments: [
            (nil, "http://127.0.0.1:11434"), ("0.0.0.0", "http://127.0.0.1:11434"),
            ("127.0.0.1:9999", "http://127.0.0.1:9999"),
            ("http://box:11434/", "http://box:11434"), ("https://ollama.example", "https://ollama.example:11434"),
            ("[::1]", "http://[::1]:11434"),
        ] as [(String?, String)])
    func ollamaHostForms(host: String?, expected: String) {
        #expect(ProviderResolver.ollamaBaseURL(fromHost: host) == expected)
    }
}
