import OpenKoiCore

/// Response bodies in the exact shape Google's Gemini API (`generativelanguage.googleapis.com/v1beta`)
/// sends them.
public enum GeminiFixtures {
    /// One SSE event; Gemini ends its lines with CRLF.
    public static func event(_ json: JSONValue) -> String {
        "data: \(json.jsonString)\r\n\r\n"
    }

    /// `usageMetadata`; Gemini leaves out the counts that are zero.
    public static func usage(prompt: Int, candidates: Int? = nil, thoughts: Int = 0, cached: Int = 0) -> JSONValue {
        var fields: [String: JSONValue] = [
            "promptTokenCount": .number(Double(prompt)),
            "totalTokenCount": .number(Double(prompt + (candidates ?? 0) + thoughts)),
            "promptTokensDetails": [["modality": "TEXT", "tokenCount": .number(Double(prompt))]],
        ]
        if let candidates { fields["candidatesTokenCount"] = .number(Double(candidates)) }
        if thoughts > 0 { fields["thoughtsTokenCount"] = .number(Double(thoughts)) }
        if cached > 0 { fields["cachedContentTokenCount"] = .number(Double(cached)) }
        return .object(fields)
    }

    /// A `GenerateContentResponse`: one candidate with `parts`, as a stream chunk or a whole answer.
    public static func response(
        parts: [JSONValue], finishReason: String? = nil, usage: JSONValue, model: String = "gemini-2.5-flash"
    ) -> JSONValue {
        var candidate: [String: JSONValue] = ["content": ["parts": .array(parts), "role": "model"], "index": 0]
        if let finishReason { candidate["finishReason"] = .string(finishReason) }
        return [
            "candidates": [.object(candidate)], "usageMetadata": usage, "modelVersion": .string(model),
            "responseId": "gemini-response-1",
        ]
    }

    /// SSE events for a streamed text answer: every chunk repeats the prompt count, the last one carries
    /// `finishReason` and the final counts.
    public static func textStream(
        _ pieces: [String], prompt: Int = 10, candidates: Int = 5, thoughts: Int = 0, cached: Int = 0,
        finishReason: String = "STOP"
    ) -> [String] {
        pieces.enumerated().map { index, piece in
            let last = index == pieces.count - 1
            return event(
                response(
                    parts: [["text": .string(piece)]], finishReason: last ? finishReason : nil,
                    usage: last
                        ? usage(prompt: prompt, candidates: candidates, thoughts: thoughts, cached: cached)
                        : usage(prompt: prompt, cached: cached)))
        }
    }

    /// A function call as Gemini writes it; `id` and `thoughtSignature` appear only on some models.
    public struct FunctionCall: Sendable {
        public var name: String
        public var args: JSONValue
        public var id: String?
        public var thoughtSignature: String?

        public init(name: String, args: JSONValue, id: String? = nil, thoughtSignature: String? = nil) {
            self.name = name
            self.args = args
            self.id = id
            self.thoughtSignature = thoughtSignature
        }

        public var part: JSONValue {
            var call: [String: JSONValue] = ["name": .string(name), "args": args]
            if let id { call["id"] = .string(id) }
            var part: [String: JSONValue] = ["functionCall": .object(call)]
            if let thoughtSignature { part["thoughtSignature"] = .string(thoughtSignature) }
            return .object(part)
        }
    }

    /// SSE events for a reply with optional text, then every call in one chunk, ending with STOP (Gemini
    /// has no separate tool-use finish reason).
    public static func functionCallStream(
        text: String? = nil, _ calls: [FunctionCall], prompt: Int = 20, candidates: Int = 8
    ) -> [String] {
        let lead = text.map { [event(response(parts: [["text": .string($0)]], usage: usage(prompt: prompt)))] } ?? []
        return lead + [
            event(
                response(
                    parts: calls.map(\.part), finishReason: "STOP", usage: usage(prompt: prompt, candidates: candidates)
                ))
        ]
    }

    /// A whole `generateContent` answer.
    public static func wholeAnswer(
        text: String, calls: [FunctionCall] = [], prompt: Int = 10, candidates: Int = 5, thoughts: Int = 0
    ) -> String {
        let parts: [JSONValue] = (text.isEmpty ? [] : [["text": .string(text)]]) + calls.map(\.part)
        return response(
            parts: parts, finishReason: "STOP", usage: usage(prompt: prompt, candidates: candidates, thoughts: thoughts)
        ).jsonString
    }

    /// A chunk whose prompt Gemini refused: no candidates, only `promptFeedback`.
    public static func blockedPrompt(reason: String = "SAFETY") -> String {
        JSONValue.object([
            "promptFeedback": [
                "blockReason": .string(reason),
                "safetyRatings": [["category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "HIGH"]],
            ],
            "usageMetadata": usage(prompt: 12), "modelVersion": "gemini-2.5-flash",
        ]).jsonString
    }

    /// `{"error":{"code","message","status","details"}}`, Google's error body.
    public static func error(code: Int, status: String, message: String, details: [JSONValue] = []) -> String {
        var error: [String: JSONValue] = [
            "code": .number(Double(code)), "message": .string(message), "status": .string(status),
        ]
        if !details.isEmpty { error["details"] = .array(details) }
        return JSONValue.object(["error": .object(error)]).jsonString
    }

    /// 429 with a google.rpc.RetryInfo detail when `retryDelay` is given (e.g. `"17s"`).
    public static func rateLimited(retryDelay: String? = nil) -> String {
        var details: [JSONValue] = [
            [
                "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                "violations": [
                    [
                        "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                        "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                        "quotaValue": "10",
                    ]
                ],
            ]
        ]
        if let retryDelay {
            details.append(["@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": .string(retryDelay)])
        }
        return error(
            code: 429, status: "RESOURCE_EXHAUSTED",
            message:
                "You exceeded your current quota, please check your plan and billing details. * Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 10, model: gemini-2.5-flash",
            details: details)
    }

    public static let contextOverflow = error(
        code: 400, status: "INVALID_ARGUMENT",
        message: "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).")

    /// Google's answer to a wrong key: 400, with the reason only in the ErrorInfo detail.
    public static let invalidAPIKey = error(
        code: 400, status: "INVALID_ARGUMENT", message: "API key not valid. Please pass a valid API key.",
        details: [
            [
                "@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID",
                "domain": "googleapis.com", "metadata": ["service": "generativelanguage.googleapis.com"],
            ]
        ])

    public static let permissionDenied = error(
        code: 403, status: "PERMISSION_DENIED",
        message:
            "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."
    )

    public static let serverError = error(
        code: 500, status: "INTERNAL",
        message:
            "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting"
    )

    public static let overloaded = error(
        code: 503, status: "UNAVAILABLE", message: "The model is overloaded. Please try again later.")

    /// One entry of `GET /models`.
    public static func model(
        _ id: String, input: Int = 1_048_576, output: Int = 65_536,
        methods: [String] = ["generateContent", "countTokens", "createCachedContent", "batchGenerateContent"]
    ) -> JSONValue {
        [
            "name": .string("models/" + id), "version": "001", "displayName": .string(id),
            "inputTokenLimit": .number(Double(input)), "outputTokenLimit": .number(Double(output)),
            "supportedGenerationMethods": .array(methods.map { .string($0) }),
        ]
    }

    /// One page of `GET /models`.
    public static func modelPage(_ models: [JSONValue], nextPageToken: String? = nil) -> String {
        var page: [String: JSONValue] = ["models": .array(models)]
        if let nextPageToken { page["nextPageToken"] = .string(nextPageToken) }
        return JSONValue.object(page).jsonString
    }

    /// `batchEmbedContents`' answer.
    public static func embeddings(_ vectors: [[Double]]) -> String {
        JSONValue.object(["embeddings": .array(vectors.map { ["values": .array($0.map { .number($0) })] })]).jsonString
    }
}
