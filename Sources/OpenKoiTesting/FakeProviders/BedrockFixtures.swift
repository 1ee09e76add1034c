import FoundationEssentials
import OpenKoiCore
import OpenKoiProviders

/// ConverseStream frames, Converse answers and error bodies in the exact shape Bedrock sends them.
public enum BedrockFixtures {
    // MARK: - Event-stream frames

    /// One header of type 7 (string): name length, name, `7`, value length (u16 BE), value.
    public static func stringHeader(_ name: String, _ value: String) -> [UInt8] {
        let value = Array(value.utf8)
        return [UInt8(name.utf8.count)] + Array(name.utf8) + [7] + bigEndian(UInt16(value.count)) + value
    }

    /// A whole frame: total length, headers length, prelude CRC, headers, payload, message CRC.
    public static func frame(headerBytes: [UInt8], payload: [UInt8]) -> [UInt8] {
        let total = 12 + headerBytes.count + payload.count + 4
        let prelude = bigEndian(UInt32(total)) + bigEndian(UInt32(headerBytes.count))
        let head = prelude + bigEndian(CRC32.checksum(prelude))
        let message = head + headerBytes + payload
        return message + bigEndian(CRC32.checksum(message))
    }

    /// An `event` frame as ConverseStream sends it: `:event-type`, `:content-type`, `:message-type`,
    /// and a JSON payload with Bedrock's `p` padding field.
    public static func event(_ type: String, _ payload: JSONValue) -> [UInt8] {
        var padded = payload.objectValue ?? [:]
        padded["p"] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"
        return frame(
            headerBytes: stringHeader(":event-type", type) + stringHeader(":content-type", "application/json")
                + stringHeader(":message-type", "event"),
            payload: Array(JSONValue.object(padded).jsonString.utf8))
    }

    /// An `exception` frame, e.g. `throttlingException`, with `{"message": …}`.
    public static func exception(_ type: String, message: String) -> [UInt8] {
        frame(
            headerBytes: stringHeader(":exception-type", type) + stringHeader(":content-type", "application/json")
                + stringHeader(":message-type", "exception"),
            payload: Array(JSONValue.object(["message": .string(message)]).jsonString.utf8))
    }

    public static let messageStart = event("messageStart", ["role": "assistant"])

    public static func textDelta(_ text: String, index: Int = 0) -> [UInt8] {
        event("contentBlockDelta", ["contentBlockIndex": .number(Double(index)), "delta": ["text": .string(text)]])
    }

    public static func toolUseStart(id: String, name: String, index: Int) -> [UInt8] {
        event(
            "contentBlockStart",
            [
                "contentBlockIndex": .number(Double(index)),
                "start": ["toolUse": ["toolUseId": .string(id), "name": .string(name)]],
            ])
    }

    public static func toolInputDelta(_ fragment: String, index: Int) -> [UInt8] {
        event(
            "contentBlockDelta",
            ["contentBlockIndex": .number(Double(index)), "delta": ["toolUse": ["input": .string(fragment)]]])
    }

    public static func blockStop(index: Int) -> [UInt8] {
        event("contentBlockStop", ["contentBlockIndex": .number(Double(index))])
    }

    public static func messageStop(_ reason: String) -> [UInt8] {
        event("messageStop", ["stopReason": .string(reason)])
    }

    public static func metadata(input: Int, output: Int, cacheRead: Int = 0, cacheWrite: Int = 0) -> [UInt8] {
        event(
            "metadata",
            [
                "usage": usage(input: input, output: output, cacheRead: cacheRead, cacheWrite: cacheWrite),
                "metrics": ["latencyMs": 312],
            ])
    }

    /// A streamed text answer: the pieces in block 0, then `end_turn` and the usage.
    public static func textStream(
        _ pieces: [String], input: Int = 10, output: Int = 5, cacheRead: Int = 0, cacheWrite: Int = 0
    ) -> [[UInt8]] {
        [messageStart] + pieces.map { textDelta($0) }
            + [
                blockStop(index: 0), messageStop("end_turn"),
                metadata(input: input, output: output, cacheRead: cacheRead, cacheWrite: cacheWrite),
            ]
    }

    /// Text in block 0, then a `toolUse` block whose input arrives as JSON fragments, then `tool_use`.
    public static func toolUseStream(
        text: String, id: String, name: String, inputPieces: [String], input: Int = 20, output: Int = 8
    ) -> [[UInt8]] {
        [messageStart, textDelta(text), blockStop(index: 0), toolUseStart(id: id, name: name, index: 1)]
            + inputPieces.map { toolInputDelta($0, index: 1) }
            + [blockStop(index: 1), messageStop("tool_use"), metadata(input: input, output: output)]
    }

    // MARK: - JSON bodies

    public static func usage(input: Int, output: Int, cacheRead: Int = 0, cacheWrite: Int = 0) -> JSONValue {
        var usage: [String: JSONValue] = [
            "inputTokens": .number(Double(input)), "outputTokens": .number(Double(output)),
            "totalTokens": .number(Double(input + output + cacheRead + cacheWrite)),
        ]
        if cacheRead > 0 { usage["cacheReadInputTokens"] = .number(Double(cacheRead)) }
        if cacheWrite > 0 { usage["cacheWriteInputTokens"] = .number(Double(cacheWrite)) }
        return .object(usage)
    }

    /// A whole `/converse` answer with the given content blocks.
    public static func converse(content: [JSONValue], stopReason: String, input: Int, output: Int) -> String {
        JSONValue.object([
            "output": ["message": ["role": "assistant", "content": .array(content)]],
            "stopReason": .string(stopReason), "usage": usage(input: input, output: output),
            "metrics": ["latencyMs": 420],
        ]).jsonString
    }

    /// The `{"message": …}` body of an HTTP error.
    public static func error(_ message: String) -> String {
        JSONValue.object(["message": .string(message)]).jsonString
    }

    /// The `x-amzn-ErrorType` header value, `<Type>:http://internal.amazon.com/coral/com.amazon.coral.service/`.
    public static func errorType(_ type: String) -> (name: String, value: String) {
        ("x-amzn-ErrorType", "\(type):http://internal.amazon.com/coral/com.amazon.coral.service/")
    }

    public static let throttled = error("Too many requests, please wait before trying again.")
    public static let inputTooLong = error("Input is too long for requested model.")
    public static let accessDenied = error("You don't have access to the model with the specified model ID.")
    public static let invalidSignature = error(
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
            + "Access Key and signing method. Consult the service documentation for details.")

    /// `ListFoundationModels` summaries: `(modelId, inference types, output modalities)`.
    public static func foundationModels(_ models: [(id: String, inference: [String], output: [String])]) -> String {
        JSONValue.object([
            "modelSummaries": .array(
                models.map { model in
                    [
                        "modelArn": .string("arn:aws:bedrock:us-east-1::foundation-model/\(model.id)"),
                        "modelId": .string(model.id), "modelName": .string(model.id),
                        "providerName": .string(String(model.id.prefix { $0 != "." })),
                        "inputModalities": ["TEXT"], "outputModalities": .array(model.output.map(JSONValue.string)),
                        "responseStreamingSupported": true,
                        "inferenceTypesSupported": .array(model.inference.map(JSONValue.string)),
                        "modelLifecycle": ["status": "ACTIVE"],
                    ]
                })
        ]).jsonString
    }

    static func bigEndian<Value: FixedWidthInteger>(_ value: Value) -> [UInt8] {
        (0..<Value.bitWidth / 8).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }
}
