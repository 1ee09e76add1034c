import OpenKoiCore
import OpenKoiTesting

@testable import OpenKoiTools

/// A whole agent on a real workspace: the pipeline with the built-in tools, the file store and
/// the workspace check (tests run for real), driven by scripted executor and judge models.
struct AgentHarness {
    let directory: TemporaryDirectory
    let executor: ScriptedModel
    let judge: ScriptedModel
    var commands: CommandPolicy = .allowAll
    var testCommand: String?
    var styles: [String: ToolCallStyle] = ["scripted": .text]

    func run(_ task: String, iterations: Int = 3) async -> (TaskResult, [TaskEvent]) {
        let bus = EventBus()
        let events = bus.subscribe()
        let planner = ScriptedModel(replies: [.text(#"{"steps": ["make the tests pass"], "acceptance_criteria": []}"#)])
        let roles = TaskRoles(
            planner: ModelBinding(provider: planner, model: "planner"),
            executor: ModelBinding(provider: executor, model: "coder"),
            evaluator: ModelBinding(provider: judge, model: "judge"))
        let tools = BuiltinToolBox(
            workspace: directory.path, toolOutputDir: directory.path + "/.tool-output", policy: commands,
            commandTimeout: 60)
        let tests = TestCommandCheck(
            workspace: directory.path, configuredCommand: testCommand, timeout: 120, enabled: true, policy: commands)
        let services = PipelineServices(
            router: FixedModelRouter(roles), tools: tools, workspace: WorkspaceFileStore(workspace: directory.path),
            objectiveCheck: WorkspaceCheck(workspace: directory.path, tests: tests), events: bus,
            toolStyles: ToolStyleRegistry(configured: styles))
        let pipeline = Pipeline(
            configuration: PipelineConfiguration(planners: 1, executors: 1, evaluators: 1, maxInFlight: 1),
            services: services)
        let result = await pipeline.submit(TaskSpec(description: task, policy: TaskPolicy(maxIterations: iterations)))
        await pipeline.shutdown()
        bus.finish()
        var collected: [TaskEvent] = []
        for await event in events { collected.append(event) }
        return (result, collected)
    }
}

/// The text of the notices a run published.
func notices(_ events: [TaskEvent]) -> [String] {
    events.compactMap {
        if case .notice(_, let notice) = $0.kind { return notice.text }; return nil
    }
}

/// A reply that gives one whole file in the text edit format.
func file(_ path: String, _ body: String) -> String {
    "### FILE: \(path)\n```python\n\(body)```\n"
}

let passingVerdict = ScriptedReply.verdict(["relevance": 0.9, "quality": 0.9, "completeness": 0.9])
