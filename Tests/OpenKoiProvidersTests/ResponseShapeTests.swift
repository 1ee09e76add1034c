import FoundationEssentials
import OpenKoiCore
import OpenKoiTesting
import Testing

@testable import OpenKoiProviders

/// 200 responses that are not the event stream asked for (issue 6, items 5 and 10): a whole JSON
/// answer is accepted, an HTML page is named as such, and oversized lines and bodies stop the stream.
struct ResponseShapeTests {
    let request = ChatRequest(model: "gpt-4.1", messages: [.user("Hi")])

    func openAI(_ response: ScriptedResponse) throws -> (OpenAIChatProvider, FakeOpenAIServer) {
        let fake = try FakeOpenAIServer([.raw(response)])
        return (OpenAIChatProvider(baseURL: fake.baseURL, apiKey: "sk-test", transport: CurlTransport()), fake)
    }

    @Test func aNonStreamedChatCompletionIsAccepted() async throws {
        let completion = """
            {"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant",\
            "content":"Paris","tool_calls":[{"id":"call_1","type":"function","function":{"name":"read_file",\
            "arguments":"{\\"path\\":\\"a.txt\\"}"}}]},"finish_reason":"tool_calls"}],\
            "usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}
            """
        let (provider, fake) = try openAI(.json(completion))
        defer { fake.shutdown() }
        let response = try await provider.chat(request)
        #expect(response.content == "Paris")
        #expect(response.toolCalls == [ToolCall(id: "call_1", name: "read_file", arguments: ["path": "a.txt"])])
        #expect(response.stopReason == .toolUse)
        #expect(response.usage.inputTokens == 12 && response.usage.outputTokens == 3)
    }

    @Test func anHTMLPageIsNamedNotCalledATruncatedStream() async throws {
        let page = "<!DOCTYPE html><html><head><title>Sign in to the Wi-Fi</title></head></html>"
        let (provider, fake) = try openAI(.full(headers: [("Content-Type", "text/html; charset=utf-8")], text: page))
        defer { fake.shutdown() }
        let error = await #expect(throws: ProviderError.self) { try await provider.chat(request) }
        #expect(error?.kind == .malformedResponse)
        let message = error?.message ?? ""
        #expect(message.contains("text/html; charset=utf-8 instead of an event stream"), "\(message)")
        #expect(message.contains("<!DOCTYPE html><html><head><title>Sign in"), "\(message)")
        #expect(!message.contains("middle of an event"))
    }

    @Test func aNonStreamedAnthropicMessageIsAccepted() async throws {
        let message = """
            {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[\
            {"type":"text","text":"Paris"},{"type":"tool_use","id":"toolu_1","name":"glob","input":{"pattern":"*.py"}}],\
            "stop_reason":"tool_use","usage":{"input_tokens":20,"output_tokens":4}}
            """
        let server = try LoopbackHTTPServer { _ in .json(message) }
        defer { server.shutdown() }
        let provider = AnthropicProvider(baseURL: server.baseURL, apiKey: "sk-ant-test", transport: CurlTransport())
        let response = try await provider.chat(ChatRequest(model: "claude-sonnet-4-5", messages: [.user("Hi")]))
        #expect(response.content == "Paris")
        #expect(response.toolCalls == [ToolCall(id: "toolu_1", name: "glob", arguments: ["pattern": "*.py"])])
        #expect(response.stopReason == .toolUse)
        #expect(response.usage.inputTokens == 20 && response.usage.outputTokens == 4)
    }

    @Test func anEndlessLineStopsTheStreamWithAClearError() async throws {
        // 9 MiB of data on one line, never ended: over the 8 MiB line limit.
        let piece = String(repeating: "a", count: 1 << 20)
        let parts: [ScriptedResponse.Part] = [.text("data: {\"x\":\"")] + Array(repeating: .text(piece), count: 9)
        let (provider, fake) = try openAI(.streamed(headers: FakeOpenAIServer.sseHeaders, parts: parts))
        defer { fake.shutdown() }
        let error = await #expect(throws: ProviderError.self) { try await provider.chat(request) }
        #expect(
            error?.message.contains("a line of the event stream exceeds 8 MiB") == true, "\(String(describing: error))")
    }

    @Test func aBodyOverTheLimitStopsTheTransfer() async throws {
        let body = String(repeating: "x", count: 64 << 10)
        try await withLoopbackHTTPServer(handler: { _ in .full(text: body) }) { server in
            let response = try await CurlTransport().send(
                HTTPRequest(url: server.baseURL + "/", maxBodyBytes: 16 << 10))
            let error = await #expect(throws: ProviderError.self) { try await response.collectBody() }
            #expect(error?.kind == .malformedResponse)
            #expect(
                error?.message.contains("exceeds 16384 bytes; the transfer was stopped") == true,
                "\(String(describing: error))")
        }
    }

    @Test func lineSplitterKeepsNoMoreThanTheLimit() {
        var splitter = LineSplitter()
        let chunk = Data(repeating: UInt8(ascii: "a"), count: 1 << 20)
        for _ in 0..<9 { _ = splitter.feed(chunk) }
        #expect(splitter.overflowed)
        #expect(splitter.finish() == nil || (splitter.finish()?.utf8.count ?? 0) <= LineSplitter.maxLineBytes)
    }
}
