import OpenKoiCore

/// Bodies in the shapes github.com's device flow, api.github.com's Copilot token exchange and
/// api.githubcopilot.com's model list send.
public enum CopilotFixtures {
    static let errorURI =
        "https://docs.github.com/developers/apps/authorizing-oauth-apps#error-codes-for-the-device-flow"

    /// `POST /login/device/code`.
    public static func deviceCode(
        deviceCode: String, userCode: String, verificationURI: String, expiresIn: Int?, interval: Int?
    ) -> String {
        var body: [String: JSONValue] = [
            "device_code": .string(deviceCode), "user_code": .string(userCode),
            "verification_uri": .string(verificationURI),
        ]
        if let expiresIn { body["expires_in"] = .number(Double(expiresIn)) }
        if let interval { body["interval"] = .number(Double(interval)) }
        return JSONValue.object(body).jsonString
    }

    /// A device-flow state as `POST /login/oauth/access_token` reports it: HTTP 200 with `error`.
    public static func deviceFlowError(_ error: String, description: String, interval: Int? = nil) -> String {
        var body: [String: JSONValue] = [
            "error": .string(error), "error_description": .string(description), "error_uri": .string(errorURI),
        ]
        if let interval { body["interval"] = .number(Double(interval)) }
        return JSONValue.object(body).jsonString
    }

    public static let authorizationPending = deviceFlowError(
        "authorization_pending", description: "The authorization request is still pending.")
    public static func slowDown(interval: Int?) -> String {
        deviceFlowError(
            "slow_down", description: "Too many requests have been made in the same timeframe.", interval: interval)
    }
    public static let expiredToken = deviceFlowError("expired_token", description: "The `device_code` has expired.")
    public static let accessDenied = deviceFlowError(
        "access_denied", description: "The authorization request was denied.")

    /// The device flow's success.
    public static func accessToken(_ token: String) -> String {
        JSONValue.object(["access_token": .string(token), "token_type": "bearer", "scope": ""]).jsonString
    }

    /// `GET /copilot_internal/v2/token`; `expires_at` left out when `nil`, `endpoints.api` when `apiBase` is.
    public static func session(token: String, expiresAt: Int?, apiBase: String?) -> String {
        var body: [String: JSONValue] = [
            "token": .string(token), "refresh_in": 1500, "chat_enabled": true, "sku": "monthly_subscriber",
        ]
        if let expiresAt { body["expires_at"] = .number(Double(expiresAt)) }
        if let apiBase {
            body["endpoints"] = [
                "api": .string(apiBase), "proxy": "https://copilot-proxy.githubusercontent.com",
                "telemetry": "https://copilot-telemetry.githubusercontent.com",
            ]
        }
        return JSONValue.object(body).jsonString
    }

    /// GitHub's answer when the account has no Copilot seat.
    public static let noSubscription = JSONValue.object([
        "message": "Resource not accessible by integration",
        "documentation_url": "https://docs.github.com/rest/copilot",
    ]).jsonString

    /// One entry of Copilot's `GET /models`.
    public struct ListedModel: Sendable {
        public var id: String
        public var type: String
        public var contextWindow: Int?
        public var promptTokens: Int?
        public var outputTokens: Int?
        public var toolCalls: Bool?
        public var pickerEnabled: Bool
        public var endpoints: [String]?

        public init(
            id: String, type: String = "chat", contextWindow: Int? = nil, promptTokens: Int? = nil,
            outputTokens: Int? = nil, toolCalls: Bool? = true, pickerEnabled: Bool = true, endpoints: [String]? = nil
        ) {
            self.id = id
            self.type = type
            self.contextWindow = contextWindow
            self.promptTokens = promptTokens
            self.outputTokens = outputTokens
            self.toolCalls = toolCalls
            self.pickerEnabled = pickerEnabled
            self.endpoints = endpoints
        }

        var json: JSONValue {
            var limits: [String: JSONValue] = [:]
            if let contextWindow { limits["max_context_window_tokens"] = .number(Double(contextWindow)) }
            if let promptTokens { limits["max_prompt_tokens"] = .number(Double(promptTokens)) }
            if let outputTokens { limits["max_output_tokens"] = .number(Double(outputTokens)) }
            var supports: [String: JSONValue] = ["streaming": true]
            if let toolCalls { supports["tool_calls"] = .bool(toolCalls) }
            var entry: [String: JSONValue] = [
                "id": .string(id), "name": .string(id.uppercased()), "object": "model", "vendor": "Azure OpenAI",
                "version": .string(id), "preview": false, "model_picker_enabled": .bool(pickerEnabled),
                "capabilities": [
                    "type": .string(type), "family": .string(id), "tokenizer": "o200k_base",
                    "object": "model_capabilities",
                    "limits": .object(limits), "supports": .object(supports),
                ],
            ]
            if let endpoints { entry["supported_endpoints"] = .array(endpoints.map { .string($0) }) }
            return .object(entry)
        }
    }

    /// A chat model, a dated snapshot hidden from the picker, and an embedding model.
    public static let models: [ListedModel] = [
        ListedModel(
            id: "gpt-4o-mini", contextWindow: 128_000, promptTokens: 64_000, outputTokens: 4096, pickerEnabled: false),
        ListedModel(id: "claude-sonnet-4", contextWindow: 216_000, promptTokens: 128_000, outputTokens: 16_000),
        ListedModel(id: "text-embedding-3-small", type: "embeddings", toolCalls: nil, pickerEnabled: false),
    ]

    /// `GET /models`.
    public static func modelList(_ models: [ListedModel]) -> String {
        JSONValue.object(["object": "list", "data": .array(models.map(\.json))]).jsonString
    }

    /// What Copilot's API sends for a session token it no longer accepts.
    public static let tokenExpired = "unauthorized: token expired\n"
}
