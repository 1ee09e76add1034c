import OpenKoiCore

/// A wire format's stream, record by record (an SSE event's data, an NDJSON line), as chat events.
protocol ChatStreamDecoder {
    /// True once the format's end marker arrived; the rest of the body is not read.
    var isFinished: Bool { get }
    mutating func consume(_ record: String) throws -> [ChatStreamEvent]
    /// Called when the body ends; throws if the answer was cut short.
    mutating func finish() throws -> [ChatStreamEvent]
}

extension ChatStreamDecoder {
    /// Feeds `records` through the decoder, emitting events as each record arrives.
    mutating func decode<Records: AsyncSequence>(
        _ records: Records, provider: String, emit: (ChatStreamEvent) -> Void,
        text: (Records.Element) -> String
    ) async throws {
        do {
            for try await record in records {
                for event in try consume(text(record)) { emit(event) }
                if isFinished { return }
            }
        } catch {
            throw ProviderError.cutOff(error, provider: provider)
        }
        for event in try finish() { emit(event) }
    }
}

/// A decoder for an SSE wire format that can also read the whole JSON answer a host sends when it
/// ignores `stream: true` (an OpenAI `chat.completion`, an Anthropic `message`).
protocol EventStreamDecoder: ChatStreamDecoder {
    mutating func decode(wholeAnswer: JSONValue) throws -> [ChatStreamEvent]
}

extension EventStreamDecoder {
    /// Reads a 2xx chat response by its content type: the event stream asked for, a whole JSON
    /// answer, or — anything else, such as a proxy's HTML page — an error naming the type.
    mutating func decode(
        _ response: HTTPStreamingResponse, provider: String, emit: (ChatStreamEvent) -> Void
    ) async throws {
        switch StreamedBody(response.head) {
        case .eventStream:
            try await decode(response.sseEvents(), provider: provider, emit: emit) { $0.data }
        case .json:
            let answer = try await StreamedBody.json(response, provider: provider)
            for event in try decode(wholeAnswer: answer) { emit(event) }
        case .other(let contentType):
            throw await StreamedBody.unexpected(response, contentType: contentType, provider: provider)
        }
    }
}

/// The `{type:"function", function:{name, description, parameters}}` tool shape shared by OpenAI and Ollama.
func functionTools(_ tools: [ToolDefinition]) -> JSONValue {
    .array(
        tools.map { tool in
            [
                "type": "function",
                "function": [
                    "name": .string(tool.name), "description": .string(tool.description), "parameters": tool.parameters,
                ],
            ]
        })
}
