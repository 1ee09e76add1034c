import OpenKoiCore
import Testing

@testable import OpenKoiProviders

struct GeminiRequestBodyTests {
    @Test func schemasLoseTheKeysGeminiRejectsAtEveryLevel() {
        let schema: JSONValue = [
            "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
            "additionalProperties": false,
            "properties": [
                "path": ["type": "string", "format": "uri", "description": "File to read"],
                "when": ["type": "string", "format": "date-time"],
                "limit": ["type": ["integer", "null"], "minimum": 1, "exclusiveMaximum": 100],
                "mode": ["type": "string", "enum": ["fast", "slow"]],
                "level": ["type": "integer", "enum": [1, 2]],
                // A property named like a keyword is still a property.
                "additionalProperties": ["type": "boolean"],
                "edits": [
                    "type": "array",
                    "items": [
                        "type": "object", "additionalProperties": false, "$ref": "#/$defs/edit",
                        "properties": ["old": ["type": "string", "const": "x"]], "required": ["old", "gone"],
                    ],
                ],
                "either": ["anyOf": [["type": "string", "$comment": "c"], ["type": "number"]]],
            ],
            "required": ["path"], "$defs": ["edit": ["type": "object"]],
        ]
        #expect(
            GeminiSchema.sanitized(schema) == [
                "type": "object",
                "properties": [
                    "path": ["type": "string", "description": "File to read"],
                    "when": ["type": "string", "format": "date-time"],
                    "limit": ["type": "integer", "nullable": true, "minimum": 1],
                    "mode": ["type": "string", "enum": ["fast", "slow"]],
                    "level": ["type": "integer"],
                    "additionalProperties": ["type": "boolean"],
                    "edits": [
                        "type": "array",
                        "items": ["type": "object", "properties": ["old": ["type": "string"]], "required": ["old"]],
                    ],
                    "either": ["anyOf": [["type": "string"], ["type": "number"]]],
                ],
                "required": ["path"],
            ])
    }

    @Test func toolsWithoutParametersAreDeclaredWithoutThem() {
        let tool = ToolDefinition(
            name: "list_files", description: "List the workspace",
            parameters: ["type": "object", "properties": [:], "additionalProperties": false])
        let body = GeminiRequestBody.make(ChatRequest(model: "gemini-2.5-flash", messages: [.user("x")], tools: [tool]))
        #expect(
            body["tools"] == [["functionDeclarations": [["name": "list_files", "description": "List the workspace"]]]])
    }

    @Test func structuredOutputAsksForJSONWithTheCleanSchema() {
        let schema: JSONValue = [
            "type": "object", "additionalProperties": false, "properties": ["score": ["type": "number"]],
        ]
        let body = GeminiRequestBody.make(
            ChatRequest(model: "gemini-2.5-flash", messages: [.user("judge")], responseSchema: schema))
        #expect(
            body["generationConfig"] == [
                "responseMimeType": "application/json",
                "responseSchema": ["type": "object", "properties": ["score": ["type": "number"]]],
            ])
        // Gemini refuses a JSON response type together with function calling.
        let withTools = GeminiRequestBody.make(
            ChatRequest(model: "m", messages: [.user("x")], tools: [weatherTool], responseSchema: schema))
        #expect(withTools["generationConfig"] == nil)
    }

    @Test func systemTextAndStopSequencesAreMapped() {
        let body = GeminiRequestBody.make(
            ChatRequest(
                model: "gemini-2.5-flash", system: "A", messages: [.system("B"), .user("hi"), .user("again")],
                stop: ["1", "2", "3", "4", "5", "6"]))
        #expect(body["systemInstruction"] == ["parts": [["text": "A\n\nB"]]])
        #expect(body["contents"] == [["role": "user", "parts": [["text": "hi"], ["text": "again"]]]])
        #expect(body["generationConfig"] == ["stopSequences": ["1", "2", "3", "4", "5"]])
    }

    @Test func toolResultsFindTheirNameOrFallBack() {
        let call = ToolCall(id: "call_0_read_file", name: "read_file", arguments: .string("{bad"))
        let messages: [ChatMessage] = [
            .user("read it"), .assistant("", toolCalls: [call]),
            ChatMessage(role: .tool, content: "text", toolCallID: "call_0_read_file"),
            // Results whose call is not in the history (a hand-built transcript) can only go as text.
            ChatMessage(role: .tool, content: "42", toolCallID: "toolu_9", toolName: "count"),
            ChatMessage(role: .tool, content: "orphan", toolCallID: "toolu_x"),
            .user("and now?"),
        ]
        let contents = GeminiRequestBody.contents(
            ChatRequest(model: "gemini-2.5-flash", messages: messages), signatures: nil)
        #expect(
            contents == [
                ["role": "user", "parts": [["text": "read it"]]],
                // Raw-text arguments cannot be replayed as `args`; 2.5 needs no signature stand-in.
                ["role": "model", "parts": [["functionCall": ["name": "read_file", "args": [:]]]]],
                [
                    "role": "user",
                    "parts": [
                        ["functionResponse": ["name": "read_file", "response": ["output": "text"]]],
                        ["text": "Result of tool count (call toolu_9):\n42"],
                        ["text": "Result of tool call toolu_x:\norphan"],
                        ["text": "and now?"],
                    ],
                ],
            ])
    }

    @Test func onlyTheFirstForeignCallOfAGemini3TurnGetsTheStandIn() {
        let signatures = GeminiThoughtSignatures()
        signatures.record("real-signature", for: "call_0_a_12345678")
        let request = ChatRequest(
            model: "models/gemini-3-flash-preview",
            messages: [
                .user("go"),
                .assistant("", toolCalls: [ToolCall(id: "call_0_a_12345678", name: "a", arguments: [:])]),
                .assistant(
                    "",
                    toolCalls: [
                        ToolCall(id: "toolu_1", name: "b", arguments: [:]),
                        ToolCall(id: "toolu_2", name: "c", arguments: [:]),
                    ]),
            ])
        let parts = GeminiRequestBody.contents(request, signatures: signatures)[1]["parts"]?.arrayValue ?? []
        #expect(
            parts.map { $0["thoughtSignature"] } == ["real-signature", .string(GeminiThoughtSignatures.foreign), nil])
        #expect(parts.map { $0["functionCall"]?["id"] } == [nil, "toolu_1", "toolu_2"])
    }

    @Test func modelNamesAndIDs() {
        #expect(GeminiModelName.resource("gemini-2.5-pro") == "models/gemini-2.5-pro")
        #expect(GeminiModelName.resource("models/gemini-2.5-pro") == "models/gemini-2.5-pro")
        #expect(GeminiModelName.resource("tunedModels/my-model") == "tunedModels/my-model")
        #expect(GeminiModelName.resource("odd name?x=1") == "models/odd%20name%3Fx%3D1")
        #expect(GeminiModelName.requiresThoughtSignatures("gemini-3-pro-preview"))
        #expect(!GeminiModelName.requiresThoughtSignatures("models/gemini-2.5-flash"))
        #expect(GeminiToolCallID.isSynthetic("call_12_read_file", name: "read_file"))
        #expect(GeminiToolCallID.isSynthetic("call_0_read_file_0a1b2c3d", name: "read_file"))
        #expect(!GeminiToolCallID.isSynthetic("call_0_read_file", name: "write_file"))
        #expect(!GeminiToolCallID.isSynthetic("call_abc123", name: "read_file"))
        #expect(GeminiToolCallID.fnv1a32Hex("") == "811c9dc5")
        #expect(GeminiToolCallID.fnv1a32Hex("a") == "e40c292c")
    }

    @Test func signatureStoreForgetsTheOldestBeyondItsCapacity() {
        let signatures = GeminiThoughtSignatures()
        for index in 0...GeminiThoughtSignatures.capacity { signatures.record("s\(index)", for: "id\(index)") }
        #expect(signatures.signature(for: "id0") == nil)
        #expect(signatures.signature(for: "id1") == "s1")
        #expect(
            signatures.signature(for: "id\(GeminiThoughtSignatures.capacity)") == "s\(GeminiThoughtSignatures.capacity)"
        )
    }
}
