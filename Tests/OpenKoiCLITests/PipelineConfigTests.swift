import ArgumentParser
import OpenKoiCore
import Testing

@testable import OpenKoiCLI

/// `[pipeline]` takes effect; `openkoi batch --concurrency` overrides it (issue 6, item 19).
struct PipelineConfigTests {
    func session(config: String, extra: [String] = []) throws -> (Session, CLISandbox) {
        let sandbox = try CLISandbox()
        let path = try sandbox.write("config.toml", config)
        let options = try TaskOptions.parse(["--config", path] + extra)
        return (try Session(options: options.overrides, quiet: true, environment: sandbox.baseEnvironment), sandbox)
    }

    @Test func theConfiguredStagesAreWhatThePipelineGets() throws {
        let (session, _) = try session(
            config: "[pipeline]\nplanners = 1\nexecutors = 3\nevaluators = 2\nmax_in_flight = 5\n")
        let configuration = session.pipelineConfiguration()
        #expect(configuration.planners == 1)
        #expect(configuration.executors == 3)
        #expect(configuration.evaluators == 2)
        #expect(configuration.maxInFlight == 5)
        #expect(session.pipelineConfiguration(concurrency: 7) == .forConcurrency(7), "the flag wins")
    }

    @Test func batchWithoutConcurrencyUsesTheConfig() throws {
        let batch = try Batch.parse(["tasks.jsonl"])
        #expect(batch.concurrency == nil)
        let flagged = try Batch.parse(["tasks.jsonl", "--concurrency", "2"])
        #expect(flagged.concurrency == 2)
    }
}
