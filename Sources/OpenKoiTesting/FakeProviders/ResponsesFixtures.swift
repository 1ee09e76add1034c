import OpenKoiCore

/// Streams and bodies in the exact shapes OpenAI's Responses API sends them (the ChatGPT backend and
/// llama.cpp's `/v1/responses` send the same events): each SSE event names its `type` twice, in the
/// `event:` line and in the data, and carries a `sequence_number`.
public enum ResponsesFixtures {
    /// A streamed function call: `output_item.added` with `call_id` and `name`, then the arguments in pieces.
    public struct FunctionCall: Sendable {
        public var callID: String
        public var name: String
        public var argumentPieces: [String]

        public init(callID: String, name: String, argumentPieces: [String]) {
            self.callID = callID
            self.name = name
            self.argumentPieces = argumentPieces
        }

        public var arguments: String { argumentPieces.joined() }
    }

    /// Numbers the events and renders each as `event: <type>` plus `data: <json>`.
    public static func sse(_ events: [JSONValue]) -> [String] {
        events.enumerated().map { index, event in
            var fields = event.objectValue ?? [:]
            fields["sequence_number"] = .number(Double(index))
            let type = fields["type"]?.stringValue ?? "message"
            return "event: \(type)\ndata: \(JSONValue.object(fields).jsonString)\n\n"
        }
    }

    public static func usage(input: Int, output: Int, cached: Int = 0) -> JSONValue {
        [
            "input_tokens": .number(Double(input)), "input_tokens_details": ["cached_tokens": .number(Double(cached))],
            "output_tokens": .number(Double(output)), "output_tokens_details": ["reasoning_tokens": 0],
            "total_tokens": .number(Double(input + output)),
        ]
    }

    /// A `response` object: what `response.completed` (and a non-streamed answer) carries.
    public static func response(
        status: String, output: [JSONValue], usage: JSONValue?, incompleteReason: String? = nil,
        error: JSONValue = .null, model: String = "gpt-5.1-codex"
    ) -> JSONValue {
        [
            "id": "resp_1", "object": "response", "created_at": 1_700_000_000, "status": .string(status),
            "model": .string(model), "output": .array(output), "usage": usage ?? .null, "error": error,
            "incomplete_details": incompleteReason.map { ["reason": .string($0)] } ?? .null, "store": false,
        ]
    }

    public static func messageItem(_ text: String, id: String = "msg_1", status: String = "completed") -> JSONValue {
        [
            "type": "message", "id": .string(id), "status": .string(status), "role": "assistant",
            "content": [["type": "output_text", "text": .string(text), "annotations": []]],
        ]
    }

    public static func functionCallItem(_ call: FunctionCall, id: String, status: String = "completed") -> JSONValue {
        [
            "type": "function_call", "id": .string(id), "call_id": .string(call.callID), "name": .string(call.name),
            "arguments": .string(status == "completed" ? call.arguments : ""), "status": .string(status),
        ]
    }

    /// The events of one message item whose text arrives in `pieces`.
    public static func messageEvents(_ pieces: [String], id: String = "msg_1", outputIndex: Int = 0) -> [JSONValue] {
        let index = JSONValue.number(Double(outputIndex))
        let text = pieces.joined()
        return [
            [
                "type": "response.output_item.added", "output_index": index,
                "item": messageItem("", id: id, status: "in_progress").replacingContent([]),
            ],
            [
                "type": "response.content_part.added", "item_id": .string(id), "output_index": index,
                "content_index": 0, "part": ["type": "output_text", "text": "", "annotations": []],
            ],
        ]
            + pieces.map { piece in
                [
                    "type": "response.output_text.delta", "item_id": .string(id), "output_index": index,
                    "content_index": 0, "delta": .string(piece),
                ]
            }
            + [
                [
                    "type": "response.output_text.done", "item_id": .string(id), "output_index": index,
                    "content_index": 0, "text": .string(text),
                ],
                [
                    "type": "response.content_part.done", "item_id": .string(id), "output_index": index,
                    "content_index": 0, "part": ["type": "output_text", "text": .string(text), "annotations": []],
                ],
                ["type": "response.output_item.done", "output_index": index, "item": messageItem(text, id: id)],
            ]
    }

    /// The events of one function-call item.
    public static func functionCallEvents(_ call: FunctionCall, id: String, outputIndex: Int) -> [JSONValue] {
        let index = JSONValue.number(Double(outputIndex))
        return [
            [
                "type": "response.output_item.added", "output_index": index,
                "item": functionCallItem(call, id: id, status: "in_progress"),
            ]
        ]
            + call.argumentPieces.map { piece in
                [
                    "type": "response.function_call_arguments.delta", "item_id": .string(id), "output_index": index,
                    "delta": .string(piece),
                ]
            }
            + [
                [
                    "type": "response.function_call_arguments.done", "item_id": .string(id), "output_index": index,
                    "arguments": .string(call.arguments),
                ],
                ["type": "response.output_item.done", "output_index": index, "item": functionCallItem(call, id: id)],
            ]
    }

    static func opening() -> [JSONValue] {
        let pending = response(status: "in_progress", output: [], usage: nil)
        return [
            ["type": "response.created", "response": pending], ["type": "response.in_progress", "response": pending],
        ]
    }

    /// A streamed text answer. `listsOutput: false` leaves the final response's `output` empty, as the
    /// ChatGPT backend does for unstored responses.
    public static func textStream(
        _ pieces: [String], input: Int = 10, output: Int = 5, cached: Int = 0, listsOutput: Bool = true
    ) -> [String] {
        let done = response(
            status: "completed", output: listsOutput ? [messageItem(pieces.joined())] : [],
            usage: usage(input: input, output: output, cached: cached))
        return sse(opening() + messageEvents(pieces) + [["type": "response.completed", "response": done]])
    }

    /// Optional text, then function calls, one item each, in order.
    public static func toolCallStream(
        _ calls: [FunctionCall], text: String? = nil, input: Int = 20, output: Int = 8
    ) -> [String] {
        var events = opening()
        var items: [JSONValue] = []
        if let text {
            events += messageEvents([text])
            items.append(messageItem(text))
        }
        for (offset, call) in calls.enumerated() {
            let id = "fc_\(offset + 1)"
            events += functionCallEvents(call, id: id, outputIndex: items.count)
            items.append(functionCallItem(call, id: id))
        }
        let done = response(status: "completed", output: items, usage: usage(input: input, output: output))
        return sse(events + [["type": "response.completed", "response": done]])
    }

    /// Text cut short: the stream ends with `response.incomplete` and the reason.
    public static func incompleteStream(_ pieces: [String], reason: String = "max_output_tokens") -> [String] {
        let item = messageItem(pieces.joined(), status: "incomplete")
        let done = response(
            status: "incomplete", output: [item], usage: usage(input: 10, output: 16), incompleteReason: reason)
        return sse(opening() + messageEvents(pieces) + [["type": "response.incomplete", "response": done]])
    }

    /// A stream that fails after it started: `response.failed` with the error.
    public static func failedStream(code: String, message: String) -> [String] {
        let failed = response(
            status: "failed", output: [], usage: nil, error: ["code": .string(code), "message": .string(message)])
        return sse(opening() + [["type": "response.failed", "response": failed]])
    }

    /// A stream that ends with an `error` event (code and message at its top level).
    public static func errorEventStream(code: String, message: String) -> [String] {
        sse(opening() + [["type": "error", "code": .string(code), "message": .string(message), "param": .null]])
    }
}

extension JSONValue {
    fileprivate func replacingContent(_ content: [JSONValue]) -> JSONValue {
        guard var fields = objectValue else { return self }
        fields["content"] = .array(content)
        return .object(fields)
    }
}
