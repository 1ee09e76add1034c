/// The tools an executor may call. Implemented by OpenKoiTools (built-ins; later MCP, WASM, scripts).
public protocol ToolBox: Sendable {
    /// Tools offered to the model on every round.
    var definitions: [ToolDefinition] { get }

    /// Runs one call. Failures come back as an outcome with `isError` set, never as a thrown error:
    /// the model reads the message and can correct itself. Cancelling the calling task kills subprocesses.
    func call(_ call: ToolCall) async -> ToolOutcome

    /// Runs one call under a task's rules (which files it may touch). Tool boxes without such rules
    /// ignore the context.
    func call(_ call: ToolCall, context: ToolCallContext) async -> ToolOutcome
}

extension ToolBox {
    public func call(_ call: ToolCall, context: ToolCallContext) async -> ToolOutcome { await self.call(call) }
}

/// Per-task rules for tool calls, decided by the engine from the task.
public struct ToolCallContext: Sendable, Hashable {
    /// The task asks for test changes, so existing test files may be rewritten or edited. Otherwise
    /// they are protected: a loop that may edit its own tests can pass by weakening them.
    public var allowsTestChanges: Bool

    public init(allowsTestChanges: Bool = false) {
        self.allowsTestChanges = allowsTestChanges
    }
}

public struct ToolOutcome: Sendable, Hashable {
    /// Text handed back to the model (already truncated by the tool box if it was too long).
    public var content: String
    public var isError: Bool
    /// Workspace-relative path of a file the call created or changed, for progress and findings.
    public var modifiedPath: String?

    public init(content: String, isError: Bool = false, modifiedPath: String? = nil) {
        self.content = content
        self.isError = isError
        self.modifiedPath = modifiedPath
    }
}

/// A tool box with no tools (plain question answering, and tests).
public struct EmptyToolBox: ToolBox {
    public init() {}
    public var definitions: [ToolDefinition] { [] }
    public func call(_ call: ToolCall) async -> ToolOutcome {
        ToolOutcome(content: "Error: no tool named '\(call.name)' is available.", isError: true)
    }
}
