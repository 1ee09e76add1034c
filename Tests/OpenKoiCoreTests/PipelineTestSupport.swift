import OpenKoiCore
import OpenKoiTesting

/// Builds a pipeline around scripted executor and judge models.
struct PipelineHarness {
    let executor: ScriptedModel
    let judge: ScriptedModel
    let planner: ScriptedModel
    let bus = EventBus()
    var pricing = ModelPricing.free
    var tools: any ToolBox = EmptyToolBox()
    var styles = ToolStyleRegistry()
    var memory: (any TaskMemory)?
    var configuration = PipelineConfiguration(
        planners: 1, executors: 1, evaluators: 1, maxInFlight: 4, channelCapacity: 2)

    init(
        executor: ScriptedModel, judge: ScriptedModel,
        planner: ScriptedModel = ScriptedModel(replies: [
            .text(#"{"steps": ["do it"], "acceptance_criteria": ["done"]}"#)
        ])
    ) {
        self.executor = executor
        self.judge = judge
        self.planner = planner
    }

    func run(_ spec: TaskSpec) async -> (TaskResult, [TaskEvent]) {
        let roles = TaskRoles(
            planner: ModelBinding(provider: planner, model: "p", pricing: pricing),
            executor: ModelBinding(provider: executor, model: "x", pricing: pricing),
            evaluator: ModelBinding(provider: judge, model: "j", pricing: pricing))
        let events = bus.subscribe()
        let pipeline = Pipeline(
            configuration: configuration,
            services: PipelineServices(
                router: FixedModelRouter(roles), tools: tools, events: bus, toolStyles: styles, memory: memory))
        let result = await pipeline.submit(spec)
        await pipeline.shutdown()
        bus.finish()
        var collected: [TaskEvent] = []
        for await event in events { collected.append(event) }
        return (result, collected)
    }
}

func policy(_ iterations: Int = 3, threshold: Double = 0.8) -> TaskPolicy {
    TaskPolicy(maxIterations: iterations, qualityThreshold: threshold)
}

/// A trivial question: the planner is skipped, so tests script only executor and judge.
let trivialTask = "What is the capital of France?"

/// A task that needs the workspace: the planner runs and tools are offered.
let toolTask = "Fix the failing parser in src/app.py"
