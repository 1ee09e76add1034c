import FoundationEssentials
import OpenKoiCore
@testable import OpenKoiProviders
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Where credentials come from (reference §3.6 order) and how `auth.json` and key files are kept.
struct CredentialTests {
    final class Home {
        let path: String
        let paths: OpenKoiPaths
        init() throws {
            var template = Array("/tmp/openkoi-cred-XXXXXX".utf8CString)
            let made = template.withUnsafeMutableBufferPointer { buffer -> String? in
                guard let base = buffer.baseAddress, let result = mkdtemp(base) else { return nil }
                return String(cString: result)
            }
            path = try #require(made)
            paths = OpenKoiPaths(configDir: path + "/.openkoi", dataDir: path + "/data")
            try AtomicFile.makeDirectories(paths.credentialsDir, mode: 0o700)
        }
        func write(_ relative: String, _ text: String) throws {
            let file = path + "/" + relative
            try AtomicFile.makeDirectories(String(file[..<(file.lastIndex(of: "/") ?? file.endIndex)]), mode: 0o700)
            try AtomicFile.write(text, to: file, mode: 0o600)
        }
        func finder(_ env: [String: String] = [:]) -> CredentialFinder {
            CredentialFinder(environment: env.merging(["HOME": path]) { a, _ in a }, paths: paths)
        }
        deinit { _ = try? FileManager.default.removeItem(atPath: path) }
    }

    static func profile(_ id: String) -> ProviderProfile {
        ProviderProfile.builtIn(id)
            ?? ProviderProfile(
                id: id, displayName: id, wire: .openai, access: .none, baseURL: "", defaultModel: "")
    }
    let anthropic = profile("anthropic")
    let qwen = profile("qwen")

    @Test func environmentWinsThenAuthStoreThenCLILoginThenKeyFile() throws {
        let home = try Home()
        try home.write(".openkoi/credentials/anthropic.key", "sk-from-file-000000\n")
        #expect(
            home.finder().credential(for: anthropic)?.source == .keyFile(home.paths.credentialsDir + "/anthropic.key"))
        try home.write(
            ".claude/.credentials.json",
            #"{"claudeAiOauth":{"accessToken":"oat-cli-token-1234","expiresAt":99999999999999}}"#)
        let cli = home.finder().credential(for: anthropic)
        #expect(cli?.source == .claudeCLI(home.path + "/.claude/.credentials.json"))
        guard case .bearer(let token)? = cli?.secret else { Issue.record("expected a bearer token"); return }
        #expect(token == "oat-cli-token-1234")
        try AuthStore(path: home.paths.authFile).saveAPIKey("sk-from-store-1111", for: "anthropic")
        #expect(home.finder().credential(for: anthropic)?.source == .authStore(home.paths.authFile))
        let env = home.finder(["ANTHROPIC_API_KEY": "sk-from-env-2222"]).credential(for: anthropic)
        #expect(env?.source == .environment("ANTHROPIC_API_KEY"))
        #expect(env?.masked == "sk-f…2222")
        // Blank variables count as unset.
        #expect(
            home.finder(["ANTHROPIC_API_KEY": "  "]).credential(for: anthropic)?.source
                == .authStore(home.paths.authFile))
    }

    @Test func expiredCLILoginsAreSkippedAndQwenKeepsItsHost() throws {
        let home = try Home()
        try home.write(".claude/.credentials.json", #"{"claudeAiOauth":{"accessToken":"old","expiresAt":1000}}"#)
        #expect(home.finder().credential(for: anthropic) == nil)
        try home.write(".qwen/oauth_creds.json", #"{"access_token":"qwen-token","resource_url":"portal.qwen.ai"}"#)
        let login = home.finder().credential(for: qwen)
        #expect(login?.baseURL == "https://portal.qwen.ai/v1")
        #expect(login?.source == .qwenCLI(home.path + "/.qwen/oauth_creds.json"))
    }

    @Test func anEnvironmentOnlyFinderReadsNoFiles() throws {
        let home = try Home()
        try home.write(".openkoi/credentials/anthropic.key", "sk-file")
        let finder = CredentialFinder(environment: ["HOME": home.path], paths: nil)
        #expect(finder.credential(for: anthropic) == nil)
    }

    @Test func awsNeedsBothKeysAndKeepsTheSessionToken() {
        let bedrock = Self.profile("bedrock")
        let partial = CredentialFinder(environment: ["AWS_ACCESS_KEY_ID": "AKID"], paths: nil)
        #expect(partial.credential(for: bedrock) == nil)
        let full = CredentialFinder(
            environment: ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE1", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "t"],
            paths: nil)
        guard case .aws(let id, _, let token)? = full.credential(for: bedrock)?.secret else {
            Issue.record("expected AWS keys")
            return
        }
        #expect(id == "AKIDEXAMPLE1")
        #expect(token == "t")
    }

    @Test func authStoreRoundTripsLoginsKeepsUnknownEntriesAndIsOwnerOnly() throws {
        let home = try Home()
        let store = AuthStore(path: home.paths.authFile)
        try home.write(".openkoi/auth.json", #"{"providers":{"future":{"type":"passkey","blob":"x"}}}"#)
        let tokens = OAuthTokens(accessToken: "a", refreshToken: "r", expiresAt: 42, extra: ["account_id": "acc"])
        try store.save(tokens, for: "chatgpt")
        try store.saveAPIKey("sk-1", for: "openai")
        #expect(store.tokens(for: "chatgpt") == tokens)
        #expect(store.entry(for: "openai") == .apiKey("sk-1"))
        var info = stat()
        #expect(stat(home.paths.authFile, &info) == 0 && info.st_mode & 0o777 == 0o600)
        let text = String(decoding: FileManager.default.contents(atPath: home.paths.authFile) ?? Data(), as: UTF8.self)
        #expect(text.contains(#""future""#) && text.contains(#""passkey""#))
        #expect(try store.remove("openai"))
        #expect(try !store.remove("openai"))
        #expect(store.entry(for: "openai") == nil)
    }

    @Test func aCorruptAuthFileIsNeverOverwritten() throws {
        let home = try Home()
        try home.write(".openkoi/auth.json", "{not json")
        let store = AuthStore(path: home.paths.authFile)
        #expect(throws: AuthStore.StoreError.self) { try store.saveAPIKey("k", for: "openai") }
        let text = String(decoding: FileManager.default.contents(atPath: home.paths.authFile) ?? Data(), as: UTF8.self)
        #expect(text == "{not json")
        #expect(store.entry(for: "openai") == nil)
    }

    @Test func keyFilesAreOwnerOnlyInAnOwnerOnlyDirectory() throws {
        let home = try Home()
        chmod(home.paths.credentialsDir, 0o755)
        let files = KeyFiles(directory: home.paths.credentialsDir)
        try files.save("  gsk-key \n", for: "groq")
        #expect(files.key(for: "groq") == "gsk-key")
        #expect(files.providers() == ["groq"])
        var info = stat()
        #expect(stat(files.path(for: "groq"), &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(stat(home.paths.credentialsDir, &info) == 0 && info.st_mode & 0o777 == 0o700)
        #expect(files.remove("groq"))
        #expect(files.key(for: "groq") == nil)
    }

    @Test func secretsAreMasked() {
        #expect(maskedSecret("sk-ant-api03-abcdefghijkl") == "sk-a…ijkl")
        #expect(maskedSecret("short") == "*****")
    }
}

/// `-m` names checked against a provider's list, and the list cached for an hour.
struct ModelListTests {
    let ids = ["gpt-4.1", "gpt-4.1-mini", "gpt-4o", "o3-mini"]

    @Test func matchingIsExactThenCaseThenAUniqueExtension() {
        #expect(ModelMatcher.match("gpt-4o", in: ids) == .exact("gpt-4o"))
        #expect(ModelMatcher.match("GPT-4O", in: ids) == .corrected("gpt-4o"))
        #expect(ModelMatcher.match("gpt-4.1-m", in: ids) == .corrected("gpt-4.1-mini"))
        // Ambiguous prefix, and a longer name never shrinks to a listed prefix of it.
        guard case .unknown(let suggestions) = ModelMatcher.match("gpt-4.1-mini-2025", in: ids) else {
            Issue.record("a longer name must not match gpt-4.1-mini")
            return
        }
        #expect(suggestions.first == "gpt-4.1-mini")
        guard case .unknown = ModelMatcher.match("gpt", in: ids) else { Issue.record("ambiguous"); return }
    }

    @Test func suggestionsAreRankedBySimilarity() {
        #expect(ModelMatcher.suggestions(for: "gtp-4.1", in: ids).prefix(2) == ["gpt-4.1", "gpt-4.1-mini"])
        #expect(ModelMatcher.suggestions(for: "llama-3", in: ids).isEmpty)
    }

    @Test func theCacheExpiresAfterAnHourAndBelongsToOneBaseURL() throws {
        let directory = "/tmp/openkoi-cache-\(getpid())-\(Int.random(in: 0..<1_000_000))"
        defer { _ = try? FileManager.default.removeItem(atPath: directory) }
        let now = LockedValue(5000.0)
        let cache = ModelListCache(directory: directory, now: { now.value })
        let models = [ModelInfo(id: "a", contextWindow: 1000)]
        cache.store(models, for: "openai", baseURL: "https://api.openai.com/v1")
        #expect(cache.models(for: "openai", baseURL: "https://api.openai.com/v1") == models)
        #expect(cache.models(for: "openai", baseURL: "http://proxy/v1") == nil)
        now.withLock { $0 += 3601 }
        #expect(cache.models(for: "openai", baseURL: "https://api.openai.com/v1") == nil)
        try AtomicFile.write("garbage", to: cache.path(for: "openai"))
        #expect(cache.models(for: "openai", baseURL: "https://api.openai.com/v1") == nil)
    }
}
