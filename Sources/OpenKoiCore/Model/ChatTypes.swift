#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `provider/model`, e.g. `anthropic/claude-sonnet-4-20250514` or `openai-compat/smollm2`.
public struct ModelRef: Sendable, Hashable, CustomStringConvertible, Codable {
    public var provider: String
    public var model: String

    public init(provider: String, model: String) {
        self.provider = provider
        self.model = model
    }

    /// Splits at the first `/`; a bare name has no provider (resolved later against catalogs).
    public init(parsing text: String) {
        if let slash = text.firstIndex(of: "/") {
            provider = String(text[..<slash])
            model = String(text[text.index(after: slash)...])
        } else {
            provider = ""
            model = text
        }
    }

    public var description: String { provider.isEmpty ? model : "\(provider)/\(model)" }
}

public enum ChatRole: String, Sendable, Codable, Hashable {
    case system, user, assistant, tool
}

/// One tool invocation requested by a model.
public struct ToolCall: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var arguments: JSONValue

    public init(id: String, name: String, arguments: JSONValue) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

public struct ChatMessage: Sendable, Hashable, Codable {
    public var role: ChatRole
    public var content: String
    /// Set on `.assistant` messages that requested tools.
    public var toolCalls: [ToolCall]
    /// Set on `.tool` messages: the call this result answers.
    public var toolCallID: String?
    /// Set on `.tool` messages: the tool's name (Gemini and Ollama key results by name).
    public var toolName: String?

    public init(
        role: ChatRole, content: String, toolCalls: [ToolCall] = [], toolCallID: String? = nil, toolName: String? = nil
    ) {
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
        self.toolName = toolName
    }

    public static func system(_ text: String) -> ChatMessage { ChatMessage(role: .system, content: text) }
    public static func user(_ text: String) -> ChatMessage { ChatMessage(role: .user, content: text) }
    public static func assistant(_ text: String, toolCalls: [ToolCall] = []) -> ChatMessage {
        ChatMessage(role: .assistant, content: text, toolCalls: toolCalls)
    }
    public static func toolResult(for call: ToolCall, content: String) -> ChatMessage {
        ChatMessage(role: .tool, content: content, toolCallID: call.id, toolName: call.name)
    }
}

/// A tool offered to the model; `parameters` is a JSON Schema object.
public struct ToolDefinition: Sendable, Hashable, Codable {
    public var name: String
    public var description: String
    public var parameters: JSONValue

    public init(name: String, description: String, parameters: JSONValue) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }
}

public struct ChatRequest: Sendable, Hashable {
    public var model: String
    /// The system prompt, kept apart because every wire format places it differently.
    public var system: String?
    public var messages: [ChatMessage]
    public var tools: [ToolDefinition]
    public var maxTokens: Int?
    public var temperature: Double?
    /// A JSON Schema the reply must follow. Providers that can constrain decoding to it do
    /// (llama.cpp, OpenAI, Ollama); the others ignore it, so callers still parse tolerantly.
    public var responseSchema: JSONValue?
    /// Ask for each output token's log probability (providers that report them do; the rest ignore it).
    public var logprobs: Bool
    /// Text that ends the reply when the model writes it (not included in the reply).
    public var stop: [String]
    /// Sampling seed, for providers that take one (OpenAI chat completions and compatible hosts,
    /// llama.cpp, Ollama, Gemini); the others ignore it. Same seed, prompt and temperature: the
    /// same reply, as far as the provider promises it.
    public var seed: Int?

    public init(
        model: String, system: String? = nil, messages: [ChatMessage], tools: [ToolDefinition] = [],
        maxTokens: Int? = nil, temperature: Double? = nil, responseSchema: JSONValue? = nil, logprobs: Bool = false,
        stop: [String] = [], seed: Int? = nil
    ) {
        self.seed = seed
        self.model = model
        self.system = system
        self.messages = messages
        self.tools = tools
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.responseSchema = responseSchema
        self.logprobs = logprobs
        self.stop = stop
    }
}

public struct TokenUsage: Sendable, Hashable, Codable {
    // Clamped on every path in: the initializer, assignment (`usage.outputTokens = n`, as the
    // estimate for servers that report none does) and decoding a state file.
    public var inputTokens: Int { didSet { inputTokens = Self.plausible(inputTokens) } }
    public var outputTokens: Int { didSet { outputTokens = Self.plausible(outputTokens) } }
    public var cacheReadTokens: Int { didSet { cacheReadTokens = Self.plausible(cacheReadTokens) } }
    public var cacheWriteTokens: Int { didSet { cacheWriteTokens = Self.plausible(cacheWriteTokens) } }

    private enum CodingKeys: String, CodingKey {
        case inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens
    }

    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            inputTokens: try values.decodeIfPresent(Int.self, forKey: .inputTokens) ?? 0,
            outputTokens: try values.decodeIfPresent(Int.self, forKey: .outputTokens) ?? 0,
            cacheReadTokens: try values.decodeIfPresent(Int.self, forKey: .cacheReadTokens) ?? 0,
            cacheWriteTokens: try values.decodeIfPresent(Int.self, forKey: .cacheWriteTokens) ?? 0)
    }

    /// Counts come from servers: a negative one (-8e15 was seen) would drive tokens and cost below
    /// zero so no budget ever trips, and a huge one would overflow the sums. Both are clamped.
    public init(inputTokens: Int = 0, outputTokens: Int = 0, cacheReadTokens: Int = 0, cacheWriteTokens: Int = 0) {
        self.inputTokens = Self.plausible(inputTokens)
        self.outputTokens = Self.plausible(outputTokens)
        self.cacheReadTokens = Self.plausible(cacheReadTokens)
        self.cacheWriteTokens = Self.plausible(cacheWriteTokens)
    }

    /// More tokens than any one call can use (2^40), yet far from overflowing a task's sums.
    public static let maxPlausible = 1 << 40

    static func plausible(_ count: Int) -> Int { min(max(count, 0), maxPlausible) }

    public static let zero = TokenUsage()

    /// Tokens that count against a token budget (cache reads and writes are input the model processed).
    public var total: Int { inputTokens + outputTokens + cacheReadTokens + cacheWriteTokens }

    public static func + (a: TokenUsage, b: TokenUsage) -> TokenUsage {
        TokenUsage(
            inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens,
            cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
            cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens)
    }

    public static func += (a: inout TokenUsage, b: TokenUsage) { a = a + b }
}

public enum StopReason: String, Sendable, Hashable, Codable {
    case endTurn = "end_turn"
    case maxTokens = "max_tokens"
    case toolUse = "tool_use"
    case stopSequence = "stop_sequence"
    case unknown
}

public struct ChatResponse: Sendable, Hashable {
    public var content: String
    public var toolCalls: [ToolCall]
    public var usage: TokenUsage
    public var stopReason: StopReason
    /// Log probabilities of the output tokens, when asked for and reported.
    public var logprobs: [Double]
    /// The price of the model that actually answered, when it is not the one the caller bound (a
    /// fallback took over); `nil` means the binding's price.
    public var pricing: ModelPricing?
    /// The `provider/model` that answered when a fallback took over; `nil`: the bound model.
    public var servedBy: String?

    public init(
        content: String, toolCalls: [ToolCall] = [], usage: TokenUsage = .zero, stopReason: StopReason = .endTurn,
        logprobs: [Double] = []
    ) {
        self.content = content
        self.toolCalls = toolCalls
        self.usage = usage
        self.stopReason = stopReason
        self.logprobs = logprobs
    }

    /// The model's confidence in its answer: the geometric mean of its tokens' probabilities
    /// (`nil` when the provider reported none).
    public var confidence: Double? {
        let finite = logprobs.filter { $0.isFinite }
        guard !finite.isEmpty else { return nil }
        let mean = finite.reduce(0, +) / Double(finite.count)
        return min(1, max(0, exp(mean)))
    }
}

/// One event of a streamed answer, already normalised from the wire format.
public enum ChatStreamEvent: Sendable, Hashable {
    /// A piece of the answer's text.
    case textDelta(String)
    /// A complete tool call (adapters assemble streamed argument deltas before emitting it).
    case toolCall(ToolCall)
    /// Usage so far; adapters may send several, later ones replace earlier ones field by field when non-zero.
    case usage(TokenUsage)
    /// Log probabilities of output tokens, in order (only when the request asked for them).
    case logprobs([Double])
    /// The answer comes from a fallback, not the model asked for: its `provider/model` and price.
    case fallback(model: String, pricing: ModelPricing)
    case stop(StopReason)
}
