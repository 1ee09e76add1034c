import OpenKoiCore
import OpenKoiTesting
import Testing

/// The judge's verdict is evidence to weigh, not a command: degenerate verdicts and the judge's
/// own failures stop refinement instead of driving it, and never reach the executor.
struct JudgeTrustTests {
    let paris = "The capital of France is Paris."

    func judgeReply(_ scores: [String: Double], findings: [(String, String)]) -> ScriptedReply {
        let items: [JSONValue] = findings.map {
            ["severity": "blocker", "title": .string($0.0), "description": .string($0.1)]
        }
        return .text(
            JSONValue.object(["scores": .object(scores.mapValues { .number($0) }), "findings": .array(items)])
                .jsonString)
    }

    @Test func aJudgeThatScoresZeroAndQuotesTheAnswerIsDegenerate() async throws {
        // What the 135M model did: 0.00 everywhere, findings that repeat the answer.
        let judge = ScriptedModel(replies: [
            judgeReply(
                ["relevance": 0, "quality": 0, "completeness": 0],
                findings: [("The capital of France is Paris.", ""), ("capital of France is Paris", "")])
        ])
        let executor = ScriptedModel(replies: [.text(paris), .text("The answer is not a valid answer.")])
        let harness = PipelineHarness(executor: executor, judge: judge)
        let (result, events) = await harness.run(TaskSpec(description: trivialTask, policy: policy(3)))
        #expect(result.output == paris)
        #expect(result.decision == .unscored)
        #expect(executor.callCount == 1, "no refinement on a degenerate verdict")
        #expect(result.judgeProblems.first?.contains("repeats the answer") == true, "\(result.judgeProblems)")
        #expect(
            events.contains {
                if case .notice(_, .judgeProblem(let p)) = $0.kind { return p.kind == .degenerate }; return false
            })
    }

    @Test func aFlatZeroWhoseFindingsAreMostlyRepeatsIsDegenerate() async throws {
        // The 135M judge on "Paris" in CI: 0.00 everywhere, one echo, one title three times and a
        // stray "the answer is wrong" — a refinement on that turned a right answer into a worse one.
        let judge = ScriptedModel(replies: [
            judgeReply(
                ["relevance": 0, "quality": 0, "completeness": 0],
                findings: [
                    ("The capital of France is Paris.", ""), ("Not relevant", "x"), ("Not relevant", "y"),
                    ("Not relevant", "z"), ("The answer is wrong", "It is not correct."),
                ])
        ])
        let executor = ScriptedModel(replies: [.text(paris), .text("The answer is not a valid answer.")])
        let harness = PipelineHarness(executor: executor, judge: judge)
        let (result, _) = await harness.run(TaskSpec(description: trivialTask, policy: policy(3)))
        #expect(result.output == paris)
        #expect(result.decision == .unscored)
        #expect(executor.callCount == 1, "no refinement on a degenerate verdict")
        #expect(
            result.judgeProblems.first?.contains("most of its findings repeat the answer or each other") == true,
            "\(result.judgeProblems)")
    }

    @Test func aFlatLowScoreWithDistinctFindingsStillDrivesARefinement() async throws {
        let judge = ScriptedModel(replies: [
            judgeReply(
                ["relevance": 0.2, "quality": 0.2, "completeness": 0.2],
                findings: [("Names the wrong city", "Lyon is not the capital."), ("No source", "Cite one.")]),
            judgeReply(["relevance": 0.9, "quality": 0.9, "completeness": 0.9], findings: []),
        ])
        let executor = ScriptedModel(replies: [.text("Lyon."), .text(paris)])
        let harness = PipelineHarness(executor: executor, judge: judge)
        let (result, _) = await harness.run(TaskSpec(description: trivialTask, policy: policy(3)))
        #expect(executor.callCount == 2)
        #expect(result.output == paris)
        #expect(result.judgeProblems.isEmpty, "\(result.judgeProblems)")
    }

    @Test func theSameUniformScoreForEveryAttemptIsDegenerate() async throws {
        let reply = judgeReply(
            ["relevance": 0.6, "quality": 0.6, "completeness": 0.6], findings: [("Too short", "Add detail.")])
        let executor = ScriptedModel(replies: [.text("first answer"), .text("second answer"), .text("third")])
        let harness = PipelineHarness(executor: executor, judge: ScriptedModel(replies: [reply]))
        let (result, _) = await harness.run(TaskSpec(description: trivialTask, policy: policy(3)))
        #expect(executor.callCount == 2)
        #expect(result.decision == .acceptBest)
        #expect(result.output == "first answer")
        #expect(result.judgeProblems.first?.contains("same score (0.60) on every dimension for every attempt") == true)
    }

    @Test func scoresOutsideTheScaleAreDegenerate() async throws {
        let reply = judgeReply(["relevance": 0.9, "quality": -3, "completeness": 0.8], findings: [])
        let harness = PipelineHarness(
            executor: ScriptedModel(replies: [.text(paris)]), judge: ScriptedModel(replies: [reply]))
        let (result, _) = await harness.run(TaskSpec(description: trivialTask, policy: policy(3)))
        #expect(result.decision == .unscored)
        #expect(
            result.judgeProblems.first?.contains("outside the 0–1 scale (quality)") == true, "\(result.judgeProblems)")
    }

    @Test func judgeFailuresStopRefiningAndNeverReachTheExecutor() async throws {
        let judge = ScriptedModel { _, n in
            if n == 0 {
                return ScriptedReply.verdict(
                    ["quality": 0.4], findings: [(severity: "important", title: "Name the river too")])
            }
            throw ProviderError(.http(status: 500), provider: "judge", message: "HTTP 500: judge overloaded")
        }
        let executor = ScriptedModel(replies: [.text("Paris"), .text("Paris, on the Seine"), .text("never")])
        let harness = PipelineHarness(executor: executor, judge: judge)
        let (result, _) = await harness.run(TaskSpec(description: trivialTask, policy: policy(3)))
        #expect(executor.callCount == 2, "the failed judgement did not drive a third attempt")
        #expect(result.decision == .acceptBest)
        #expect(result.output == "Paris", "the only scored iteration is returned")
        #expect(result.judgeProblems.first?.contains("judge overloaded") == true)
        let prompts = executor.requests.flatMap { $0.messages.map(\.content) }.joined()
        #expect(prompts.contains("Name the river too"))
        #expect(!prompts.contains("overloaded") && !prompts.contains("could not be read"))
    }

    @Test func findingsThatEchoOrDuplicateAreDroppedAndCounted() async throws {
        let reply = judgeReply(
            ["relevance": 0.5, "quality": 0.4, "completeness": 0.3],
            findings: [
                ("Missing the population", "Say how many people live there."), ("missing the population!", ""),
                ("Paris is the capital of France and", ""),
            ])
        let executor = ScriptedModel(replies: [
            .text("Paris is the capital of France and its largest city."), .text("ok"),
        ])
        let harness = PipelineHarness(
            executor: executor, judge: ScriptedModel(replies: [reply, .verdict(["quality": 0.95])]))
        let (_, events) = await harness.run(TaskSpec(description: trivialTask, policy: policy(3)))
        let review = executor.requests.last?.messages.last?.content ?? ""
        #expect(review.contains("Missing the population"))
        #expect(!review.contains("Paris is the capital of France and"))
        #expect(
            events.contains {
                if case .notice(_, .findingsDropped(let dropped)) = $0.kind {
                    return dropped.echoes == 1 && dropped.duplicates == 1
                }
                return false
            })
    }

    @Test func aConfidentShortAnswerToATrivialQuestionIsNotJudged() async throws {
        let confident = ScriptedReply(text: paris, logprobs: [-0.01, -0.02, -0.005])
        let judge = ScriptedModel(replies: [.verdict(["quality": 0.9])])
        let harness = PipelineHarness(executor: ScriptedModel(replies: [confident]), judge: judge)
        let (result, events) = await harness.run(TaskSpec(description: trivialTask, policy: policy(3)))
        #expect(result.decision == .accept)
        #expect(result.output == paris)
        #expect(judge.callCount == 0)
        #expect(harness.executor.requests.first?.logprobs == true)
        #expect(
            events.contains {
                if case .notice(_, .evaluationSkipped(let why)) = $0.kind { return why.contains("0.99") }; return false
            })

        var strict = policy(3)
        strict.skipEvalConfidence = 0.999
        let judged = ScriptedModel(replies: [.verdict(["quality": 0.9])])
        let second = PipelineHarness(executor: ScriptedModel(replies: [confident]), judge: judged)
        _ = await second.run(TaskSpec(description: trivialTask, policy: strict))
        #expect(judged.callCount == 1, "[iteration] skip_eval_confidence is honoured")
    }

    @Test func aJudgeThatIsTheExecutorsOwnLocalModelIsPointedOut() async throws {
        let model = ScriptedModel(replies: [.text("Paris"), .verdict(["quality": 0.9])])
        let roles = TaskRoles.single(ModelBinding(provider: model, model: "tiny"))
        let bus = EventBus()
        let events = bus.subscribe()
        let pipeline = Pipeline(services: PipelineServices(router: FixedModelRouter(roles), events: bus))
        _ = await pipeline.submit(TaskSpec(description: trivialTask))
        await pipeline.shutdown()
        bus.finish()
        var texts: [String] = []
        for await event in events { if case .notice(_, let notice) = event.kind { texts.append(notice.text) } }
        #expect(
            texts.contains {
                $0.contains("judge is the executor's own model (scripted/tiny)") && $0.contains("[models] evaluator")
            })
        #expect(texts.filter { $0.contains("judge is the executor's own model") }.count == 1)

        // A confident answer that is never judged gets no advice about its judge.
        let confident = ScriptedModel(replies: [ScriptedReply(text: paris, logprobs: [-0.01, -0.02])])
        let skippedBus = EventBus()
        let skippedEvents = skippedBus.subscribe()
        let skipping = Pipeline(
            services: PipelineServices(
                router: FixedModelRouter(.single(ModelBinding(provider: confident, model: "tiny"))), events: skippedBus)
        )
        _ = await skipping.submit(TaskSpec(description: trivialTask))
        await skipping.shutdown()
        skippedBus.finish()
        var skippedTexts: [String] = []
        for await event in skippedEvents {
            if case .notice(_, let notice) = event.kind { skippedTexts.append(notice.text) }
        }
        #expect(skippedTexts.contains { $0.contains("evaluation skipped") })
        #expect(!skippedTexts.contains { $0.contains("judge is the executor's own model") })
    }
}

struct ToolStyleTests {
    @Test func theStyleIsLearnedOnceFromTheFirstTelling() async throws {
        let registry = ToolStyleRegistry(configured: ["local": .text])
        let a = ModelBinding(provider: ScriptedModel(id: "ollama", replies: []), model: "qwen")
        let configured = ModelBinding(provider: ScriptedModel(id: "local", replies: []), model: "x")
        #expect(await registry.style(for: a) == .native)
        #expect(await registry.observe(a, nativeCalls: false, textCalls: false) == nil, "a plain answer says nothing")
        #expect(await registry.observe(a, nativeCalls: false, textCalls: true) == .text)
        #expect(await registry.observe(a, nativeCalls: true, textCalls: false) == nil, "decided once")
        #expect(await registry.style(for: a) == .text)
        #expect(await registry.style(for: configured) == .text)
        #expect(await registry.observe(configured, nativeCalls: true, textCalls: false) == nil, "configuration wins")
    }

    @Test func aModelThatWritesCallsAsTextGetsTheTextFormatWithoutSchemas() async throws {
        let call = "```json\n{\"name\": \"probe\", \"arguments\": {\"n\": 1}}\n```"
        let executor = ScriptedModel(replies: [.text(call), .text("done"), .text("again done")])
        var harness = PipelineHarness(executor: executor, judge: ScriptedModel(replies: [.verdict(["quality": 0.9])]))
        harness.tools = EchoTools()
        let services = ToolStyleRegistry()
        harness.styles = services
        let (_, events) = await harness.run(TaskSpec(description: toolTask, policy: policy(1)))
        #expect(
            events.contains {
                if case .notice(_, .toolStyleLearned(_, .text)) = $0.kind { return true }; return false
            })
        #expect(executor.requests.first?.tools.isEmpty == false, "tools were offered natively at first")
        _ = await harness.run(TaskSpec(description: toolTask, policy: policy(1)))
        let later = try #require(executor.requests.last)
        #expect(later.tools.isEmpty, "no schemas for a model that writes calls as text")
        #expect(later.system?.contains("# Changing files") == true)
    }
}

extension JudgeTrustTests {
    /// A small local model judging its own answer to a trivial question: its verdict is shown, but a
    /// refinement on it is noise (the 135M model turned "Paris" into a rewording in CI), so the first
    /// answer stands. With a model that is not small, the same verdict does drive a refinement.
    @Test(arguments: [(8192, 1), (128_000, 2)])
    func aSmallLocalModelsOwnVerdictOnATrivialAnswerDoesNotDriveARefinement(context: Int, executorCalls: Int)
        async throws
    {
        let model = ScriptedModel(replies: [
            .text(paris), .verdict(["quality": 0.5, "relevance": 0.6]), .text("Paris."),
            .verdict(["quality": 0.9, "relevance": 0.9]),
        ])
        let roles = TaskRoles.single(ModelBinding(provider: model, model: "tiny", contextWindow: context))
        let pipeline = Pipeline(services: PipelineServices(router: FixedModelRouter(roles), events: EventBus()))
        let result = await pipeline.submit(TaskSpec(description: trivialTask, policy: policy(3)))
        await pipeline.shutdown()
        #expect(result.iterations == executorCalls, "\(result)")
        #expect(model.callCount == 2 * executorCalls, "one executor and one judge call per iteration")
        if executorCalls == 1 {
            #expect(result.output == paris)
            #expect(result.decision == .acceptBest)
            #expect(result.error?.contains("too weak a signal to refine on") == true)
        } else {
            #expect(result.output == "Paris.")
        }
    }
}
