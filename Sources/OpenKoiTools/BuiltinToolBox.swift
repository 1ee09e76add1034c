import OpenKoiCore

/// One built-in tool: its definition for the model and its implementation.
protocol BuiltinTool: Sendable {
    var definition: ToolDefinition { get }
    /// Failures are thrown as `ToolFailure`; the tool box turns them into error outcomes.
    func run(_ arguments: ToolArguments) async throws(ToolFailure) -> ToolOutcome
}

/// The tools every run has: files, search and shell, confined to one workspace.
///
/// Every result — success or error — passes through `ToolOutputTruncator`, so no single call can
/// flood the model's context; the full text stays on disk under `toolOutputDir`.
public struct BuiltinToolBox: ToolBox {
    private let tools: [any BuiltinTool]
    private let truncator: ToolOutputTruncator
    private let access: WorkspaceAccess

    /// - Parameters:
    ///   - workspace: the directory the tools act in; paths outside it are refused.
    ///   - toolOutputDir: where over-long outputs are saved (created 0700 on first use).
    ///   - policy: which shell commands may run unattended.
    ///   - commandTimeout: default seconds for `run_command` (the model may ask for more, up to a cap).
    ///   - sandbox: confines `run_command` (`[tools] sandbox`).
    public init(
        workspace: String, toolOutputDir: String, policy: CommandPolicy, commandTimeout: Double,
        sandbox: CommandSandbox = CommandSandbox()
    ) {
        // The protocol's init cannot throw; a bad workspace makes every tool explain it instead.
        let access = WorkspaceAccess(Result { () throws(WorkspaceError) in try Workspace(root: workspace) })
        tools = [
            ReadFileTool(access: access),
            WriteFileTool(access: access),
            EditFileTool(access: access),
            ListDirTool(access: access),
            GlobTool(access: access),
            GrepTool(access: access),
            RunCommandTool(
                access: access, policy: policy, sandbox: sandbox, defaultTimeout: commandTimeout,
                outputDirectory: toolOutputDir),
        ]
        truncator = ToolOutputTruncator(directory: toolOutputDir)
        self.access = access
    }

    public var definitions: [ToolDefinition] { tools.map(\.definition) }

    public func call(_ call: ToolCall) async -> ToolOutcome {
        await self.call(call, context: ToolCallContext())
    }

    public func call(_ call: ToolCall, context: ToolCallContext) async -> ToolOutcome {
        if !context.allowsTestChanges, let refusal = testFileRefusal(call) {
            return ToolOutcome(content: "Error: \(refusal)", isError: true)
        }
        guard let tool = tools.first(where: { $0.definition.name == call.name }) else {
            let names = tools.map(\.definition.name).joined(separator: ", ")
            return ToolOutcome(
                content: "Error: no tool named '\(call.name)'. Available tools: \(names).", isError: true)
        }
        var outcome: ToolOutcome
        do throws(ToolFailure) {
            outcome = try await tool.run(try ToolArguments(call))
        } catch {
            outcome = ToolOutcome(content: "Error: \(error.message)", isError: true)
        }
        outcome.content = truncator.truncate(outcome.content)
        return outcome
    }
}

extension BuiltinToolBox {
    /// Why `call` may not run: it would rewrite or edit an existing test file. A loop allowed to
    /// edit its own tests can pass by weakening them, so they change only when the task asks.
    func testFileRefusal(_ call: ToolCall) -> String? {
        guard call.name == "write_file" || call.name == "edit_file",
            let path = call.arguments.first("path", "file_path")?.stringValue,
            let target = try? access.resolve(path), FileSystem.info(target.absolute)?.kind == .file,
            TestFiles.isTestFile(target.relative)
        else { return nil }
        return """
            \(call.name): '\(target.relative)' is an existing test file and this task does not ask for test \
            changes, so it is not modified. Change the code under test so that the tests pass.
            """
    }
}

/// The workspace as the tools see it: resolved once, or the reason it could not be.
struct WorkspaceAccess: Sendable {
    private let result: Result<Workspace, WorkspaceError>

    init(_ result: Result<Workspace, WorkspaceError>) { self.result = result }

    var workspace: Workspace {
        get throws(ToolFailure) {
            switch result {
            case .success(let workspace): return workspace
            case .failure(let error): throw ToolFailure(error.message)
            }
        }
    }

    /// Resolves a model-supplied path, turning a refusal into a tool failure.
    func resolve(_ path: String) throws(ToolFailure) -> WorkspacePath {
        let workspace = try self.workspace
        do throws(WorkspaceError) {
            return try workspace.resolve(path)
        } catch {
            throw ToolFailure(error.message)
        }
    }
}

/// JSON Schema helpers for tool definitions.
enum Schema {
    static func object(_ properties: [String: JSONValue], required: [String]) -> JSONValue {
        [
            "type": "object",
            "properties": .object(properties),
            "required": .array(required.map { .string($0) }),
            "additionalProperties": false,
        ]
    }

    static func string(_ description: String) -> JSONValue { ["type": "string", "description": .string(description)] }
    static func integer(_ description: String, minimum: Int) -> JSONValue {
        ["type": "integer", "description": .string(description), "minimum": .number(Double(minimum))]
    }
    static func number(_ description: String) -> JSONValue { ["type": "number", "description": .string(description)] }
    static func boolean(_ description: String) -> JSONValue {
        ["type": "boolean", "description": .string(description)]
    }
}
