import OpenKoiCore
import OpenKoiTesting
import Testing

@testable import OpenKoiProviders

/// OpenAI adapter against `FakeOpenAIServer` over real HTTP (libcurl to 127.0.0.1).
struct LiveOpenAITests {
    let request = ChatRequest(model: "gpt-4.1", messages: [.user("Hi")])

    func provider(_ fake: FakeOpenAIServer) -> OpenAIChatProvider {
        OpenAIChatProvider(baseURL: fake.baseURL, apiKey: "sk-live-test-1234", transport: CurlTransport())
    }

    @Test func streamedAnswer() async throws {
        let fake = try FakeOpenAIServer([
            .text(["Hel", "lo", " there"], promptTokens: 30, completionTokens: 3, cachedTokens: 10)
        ])
        defer { fake.shutdown() }
        let response = try await provider(fake).chat(request)
        #expect(response.content == "Hello there")
        #expect(response.usage == TokenUsage(inputTokens: 20, outputTokens: 3, cacheReadTokens: 10))
        #expect(response.stopReason == .endTurn)
        let sent = try #require(await fake.server.requests.first)
        #expect(sent.method == "POST" && sent.path == "/v1/chat/completions")
        #expect(sent.header("authorization") == "Bearer sk-live-test-1234")
    }

    @Test func toolCallRoundTrip() async throws {
        let calls = [
            OpenAIFixtures.StreamedToolCall(
                id: "call_9", name: "get_weather", argumentPieces: ["{\"city\"", ": \"Paris\"}"])
        ]
        let fake = try FakeOpenAIServer([.toolCalls(calls), .text(["Sunny in Paris."])])
        defer { fake.shutdown() }
        let subject = provider(fake)
        var conversation = [ChatMessage.user("Weather in Paris?")]
        let first = try await subject.chat(ChatRequest(model: "gpt-4.1", messages: conversation, tools: [weatherTool]))
        #expect(first.toolCalls == [ToolCall(id: "call_9", name: "get_weather", arguments: ["city": "Paris"])])
        #expect(first.stopReason == .toolUse)
        conversation += [
            .assistant(first.content, toolCalls: first.toolCalls),
            .toolResult(for: first.toolCalls[0], content: "sunny"),
        ]
        let second = try await subject.chat(ChatRequest(model: "gpt-4.1", messages: conversation, tools: [weatherTool]))
        #expect(second.content == "Sunny in Paris.")

        let bodies = await fake.server.requestBodies
        let messages = try #require(bodies.last??["messages"]?.arrayValue)
        #expect(messages[1]["tool_calls"]?[0]?["function"]?["arguments"] == "{\"city\":\"Paris\"}")
        #expect(messages[2] == ["role": "tool", "content": "sunny", "tool_call_id": "call_9", "name": "get_weather"])
        #expect(bodies.first??["tools"]?[0]?["function"]?["name"] == "get_weather")
    }

    @Test func rateLimitThenSuccessThroughRetry() async throws {
        let fake = try FakeOpenAIServer([.rateLimited(headers: [("Retry-After", "3")]), .serverError, .text(["ok"])])
        defer { fake.shutdown() }
        let log = SleepLog()
        let retrying = RetryingProvider(
            wrapping: provider(fake), sleep: { await log.record($0) }, random: { $0.upperBound })
        let response = try await retrying.chat(request)
        #expect(response.content == "ok")
        #expect(await log.delays == [3, 2])
        #expect(await fake.server.requests.count == 3)
    }

    @Test func errorsAreClassified() async throws {
        let fake = try FakeOpenAIServer([
            .contextOverflow, .llamaCppContextOverflow, .unauthorized, .malformedJSON, .truncated(["partial"]),
            .rateLimited(headers: [("retry-after-ms", "250")]),
        ])
        defer { fake.shutdown() }
        let subject = provider(fake)
        var kinds: [ProviderError.Kind] = []
        var messages: [String] = []
        for _ in 0..<6 {
            let (_, error) = await drain(subject.stream(request))
            let failure = try #require(error as? ProviderError)
            #expect(failure.provider == "openai")
            #expect(!failure.description.contains("sk-live-test-1234"))
            kinds.append(failure.kind)
            messages.append(failure.message)
        }
        #expect(
            kinds == [
                .contextOverflow, .contextOverflow, .authentication, .malformedResponse, .malformedResponse,
                .rateLimited(retryAfter: 0.25),
            ])
        #expect(messages[3].contains("not valid JSON"))
        #expect(messages[4].contains("truncated"))
    }

    @Test func modelsFromTheServer() async throws {
        let fake = try FakeOpenAIServer([], models: ["smollm2-135m"])
        defer { fake.shutdown() }
        #expect(try await provider(fake).models().map(\.id) == ["smollm2-135m"])
    }

    @Test func cancellingTheConsumerClosesTheConnection() async throws {
        let (feed, parts) = AsyncStream<ScriptedResponse.Part>.makeStream()
        let fake = try FakeOpenAIServer([.raw(.streamed(headers: FakeOpenAIServer.sseHeaders, feed: feed))])
        defer { fake.shutdown() }
        parts.yield(.text(OpenAIFixtures.delta(["content": "first"])))
        let stream = provider(fake).stream(request)
        let consumer = Task { () -> [ChatStreamEvent] in
            var seen: [ChatStreamEvent] = []
            do {
                for try await event in stream {
                    seen.append(event)
                    withUnsafeCurrentTask { $0?.cancel() }
                }
            } catch {
                // Ending with a cancellation error is fine; what arrived before it is what counts.
            }
            return seen
        }
        let seen = await consumer.value
        #expect(seen == [ChatStreamEvent.textDelta("first")])
        let disconnected = await fake.server.http.waitForEvent {
            if case .clientDisconnected = $0 { return true } else { return false }
        }
        #expect(disconnected != nil)
        parts.finish()
    }
}
