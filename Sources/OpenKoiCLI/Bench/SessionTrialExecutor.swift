import FoundationEssentials
import OpenKoiBench
import OpenKoiCore
import OpenKoiSkills

/// Bench trials on the user's set-up: one model router for the whole run (discovery probes once),
/// and per trial a pipeline over the trial's own workspace, the same stages `openkoi batch` runs.
struct SessionTrialExecutor: TrialExecutor {
    let session: Session
    let router: SessionModelRouter
    let library: SkillLibrary

    init(session: Session) {
        self.session = session
        let resolver = session.startingResolver()
        router = session.modelRouter(resolver: resolver, executor: nil, events: NullEventSink())
        library = session.skillLibrary()
        // The sandbox's warning, once for the run (each trial's services stay quiet).
        if let reason = session.commandSandbox().unavailableReason { session.console.warning(reason) }
    }

    func run(_ spec: TaskSpec, workspace: String, probe: any IterationProbe, events: any EventSink) async -> TrialRun {
        let trial = session.with(workspace: workspace)
        let catalog = EvaluatorCatalog(library: library, workspaceFiles: trial.topLevelFiles())
        var services = trial.workspaceServices(
            router: router, events: events, library: library, catalog: catalog, announce: false)
        services.iterationProbe = probe
        let pipeline = Pipeline(configuration: .forConcurrency(1), services: services)
        let result = await pipeline.submit(spec)
        await pipeline.shutdown()
        return TrialRun(result: result, priced: await router.isPriced(model: spec.model ?? ""))
    }

    func pricing(for model: String) async -> ModelPricing? { await router.knownPricing(for: model) }

    /// The bundled local model and `local = true` providers run on this machine: one lane.
    func lane(for model: String) async -> String {
        await router.isLocal(model: model) ? "this machine" : model
    }
}
