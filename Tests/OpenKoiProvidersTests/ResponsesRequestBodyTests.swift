import OpenKoiCore
import OpenKoiTesting
import Testing

@testable import OpenKoiProviders

/// The bodies `OpenAIResponsesProvider` sends, checked field by field.
struct ResponsesRequestBodyTests {
    let weatherToolJSON: JSONValue = [
        "type": "function", "name": "get_weather", "description": "Current weather for a city",
        "parameters": weatherTool.parameters, "strict": false,
    ]

    /// Round 1 asks, the model calls two tools; round 2 must send both calls back as `function_call`
    /// items and both results as `function_call_output` items with the same `call_id`s.
    @Test func twoRoundToolConversationEchoesCallsAndResults() async throws {
        let calls = [
            ResponsesFixtures.FunctionCall(
                callID: "call_a", name: "get_weather", argumentPieces: ["{\"city\"", ": \"Paris\"}"]),
            ResponsesFixtures.FunctionCall(
                callID: "call_b", name: "get_weather", argumentPieces: ["{\"city\": \"Oslo\"}"]),
        ]
        let fake = try FakeResponsesServer([
            .toolCalls(calls, text: "Checking."), .text(["Sunny in Paris, ", "rain in Oslo."]),
        ])
        defer { fake.shutdown() }
        let subject = OpenAIResponsesProvider(
            baseURL: fake.baseURL, apiKey: "sk-resp-test-1234", transport: CurlTransport())
        var conversation = [ChatMessage.user("Weather in Paris and Oslo?")]
        func request() -> ChatRequest {
            ChatRequest(
                model: "gpt-4.1", system: "Be brief.", messages: conversation, tools: [weatherTool], maxTokens: 200,
                temperature: 0.2)
        }

        let first = try await subject.chat(request())
        #expect(first.content == "Checking.")
        #expect(
            first.toolCalls == [
                ToolCall(id: "call_a", name: "get_weather", arguments: ["city": "Paris"]),
                ToolCall(id: "call_b", name: "get_weather", arguments: ["city": "Oslo"]),
            ])
        #expect(first.stopReason == .toolUse)
        conversation += [
            .assistant(first.content, toolCalls: first.toolCalls),
            .toolResult(for: first.toolCalls[0], content: "sunny"),
            .toolResult(for: first.toolCalls[1], content: "rain"),
        ]
        let second = try await subject.chat(request())
        #expect(second.content == "Sunny in Paris, rain in Oslo.")
        #expect(second.stopReason == .endTurn)

        let sent = await fake.server.requests
        #expect(sent.map(\.path) == ["/v1/responses", "/v1/responses"])
        #expect(sent.first?.header("authorization") == "Bearer sk-resp-test-1234")
        #expect(sent.first?.header("accept") == "text/event-stream")
        #expect(sent.first?.header("content-type") == "application/json")
        let firstBody = try #require(JSONValue.parse(sent[0].body))
        #expect(
            firstBody["input"] == [
                [
                    "type": "message", "role": "user",
                    "content": [["type": "input_text", "text": "Weather in Paris and Oslo?"]],
                ]
            ])
        let secondBody = try #require(JSONValue.parse(sent[1].body))
        #expect(
            secondBody == [
                "model": "gpt-4.1", "instructions": "Be brief.", "stream": true, "store": false,
                "max_output_tokens": 200, "temperature": 0.2, "tools": [weatherToolJSON],
                "input": [
                    [
                        "type": "message", "role": "user",
                        "content": [["type": "input_text", "text": "Weather in Paris and Oslo?"]],
                    ],
                    [
                        "type": "message", "role": "assistant",
                        "content": [["type": "output_text", "text": "Checking.", "annotations": []]],
                    ],
                    [
                        "type": "function_call", "call_id": "call_a", "name": "get_weather",
                        "arguments": "{\"city\":\"Paris\"}",
                    ],
                    [
                        "type": "function_call", "call_id": "call_b", "name": "get_weather",
                        "arguments": "{\"city\":\"Oslo\"}",
                    ],
                    ["type": "function_call_output", "call_id": "call_a", "output": "sunny"],
                    ["type": "function_call_output", "call_id": "call_b", "output": "rain"],
                ],
            ])
    }

    @Test func toolOnlyTurnsSendNoEmptyMessageAndRawArgumentsStayVerbatim() {
        let raw = ToolCall(id: "call_raw", name: "get_weather", arguments: .string("{bad"))
        let body = OpenAIResponsesRequestBody.make(
            ChatRequest(
                model: "gpt-4.1",
                messages: [
                    .user("x"), .assistant("", toolCalls: [raw]), .toolResult(for: raw, content: "error: not JSON"),
                    .system("Answer in French."),
                ]))
        #expect(
            body["input"] == [
                ["type": "message", "role": "user", "content": [["type": "input_text", "text": "x"]]],
                ["type": "function_call", "call_id": "call_raw", "name": "get_weather", "arguments": "{bad"],
                ["type": "function_call_output", "call_id": "call_raw", "output": "error: not JSON"],
                [
                    "type": "message", "role": "developer",
                    "content": [["type": "input_text", "text": "Answer in French."]],
                ],
            ])
        #expect(body["instructions"] == nil)
        #expect(body["tools"] == nil)
        #expect(body["max_output_tokens"] == nil)
        #expect(body["temperature"] == nil)
    }

    @Test func structuredOutputGoesInTextFormat() {
        let schema: JSONValue = ["type": "object", "properties": ["score": ["type": "number"]], "required": ["score"]]
        let body = OpenAIResponsesRequestBody.make(
            ChatRequest(model: "gpt-4.1", messages: [.user("rate it")], responseSchema: schema, logprobs: true))
        #expect(body["text"] == ["format": ["type": "json_schema", "name": "response", "schema": schema]])
        #expect(body["include"] == ["message.output_text.logprobs"])
    }

    @Test func reasoningModelsGetEffortAndNoTemperature() {
        let request = ChatRequest(model: "o4-mini", messages: [.user("x")], maxTokens: 50, temperature: 0.7)
        let body = OpenAIResponsesRequestBody.make(request, reasoningEffort: "high")
        #expect(
            body == [
                "model": "o4-mini", "stream": true, "store": false, "max_output_tokens": 50,
                "reasoning": ["effort": "high"],
                "input": [["type": "message", "role": "user", "content": [["type": "input_text", "text": "x"]]]],
            ])
        // A chat model has no reasoning to set: the effort is left out, the temperature kept.
        let chat = OpenAIResponsesRequestBody.make(
            ChatRequest(model: "gpt-4.1", messages: [.user("x")], temperature: 0.7), reasoningEffort: "high")
        #expect(chat["reasoning"] == nil)
        #expect(chat["temperature"] == 0.7)
    }

    @Test func theChatGPTBackendGetsNoOutputLimit() {
        let body = OpenAIResponsesRequestBody.make(
            ChatRequest(model: "gpt-5.1-codex", messages: [.user("x")], maxTokens: 50), sendsOutputLimit: false)
        #expect(body["max_output_tokens"] == nil)
    }
}
