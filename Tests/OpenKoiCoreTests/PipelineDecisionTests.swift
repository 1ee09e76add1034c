import OpenKoiCore
import OpenKoiTesting
import Testing

struct PipelineDecisionTests {
    @Test func acceptsAtTheQualityThreshold() async throws {
        let harness = PipelineHarness(
            executor: ScriptedModel(replies: [.text("Paris")]),
            judge: ScriptedModel(replies: [.verdict(["relevance": 0.9, "quality": 0.9, "completeness": 0.9])]))
        let (result, events) = await harness.run(TaskSpec(description: trivialTask, policy: policy()))
        #expect(result.decision == .accept)
        #expect(result.output == "Paris")
        #expect(result.iterations == 1)
        #expect(abs((result.score ?? 0) - 0.9) < 1e-9)
        #expect(result.decision.exitCode == 0)
        #expect(result.usage.total == 30)
        #expect(harness.planner.callCount == 0, "trivial tasks skip planning")
        #expect(
            events.contains {
                if case .planReady(let plan) = $0.kind { return plan.skipped }; return false
            })
    }

    @Test func returnsTheBestIterationAtMaxIterations() async throws {
        let harness = PipelineHarness(
            executor: ScriptedModel(replies: [.text("first"), .text("second"), .text("third")]),
            judge: ScriptedModel(replies: [
                .verdict(["quality": 0.5]), .verdict(["quality": 0.7]), .verdict(["quality": 0.6]),
            ]))
        var p = policy(3)
        p.improvementThreshold = 0
        let (result, _) = await harness.run(TaskSpec(description: trivialTask, policy: p))
        #expect(result.decision == .acceptBest)
        #expect(result.output == "second")
        #expect(result.bestIteration == 2)
        #expect(result.iterations == 3)
        #expect(result.status == .acceptedBest)
    }

    @Test func stopsOnAPlateau() async throws {
        let harness = PipelineHarness(
            executor: ScriptedModel(replies: [.text("a"), .text("b"), .text("c"), .text("d")]),
            judge: ScriptedModel(replies: [
                .verdict(["quality": 0.50]), .verdict(["quality": 0.52]), .verdict(["quality": 0.53]),
                .verdict(["quality": 0.9]),
            ]))
        let (result, _) = await harness.run(TaskSpec(description: trivialTask, policy: policy(6)))
        #expect(result.decision == .plateau)
        #expect(result.iterations == 3)
        #expect(result.output == "a", "0.53 is within the 0.05 margin of 0.50: the earliest answer stays the best")
    }

    @Test func abortsOnTwoRegressionsInARowAndKeepsTheBest() async throws {
        let harness = PipelineHarness(
            executor: ScriptedModel(replies: [.text("good"), .text("worse"), .text("worse still")]),
            judge: ScriptedModel(replies: [.verdict(["quality": 0.7]), .verdict(["quality": 0.3])]))
        let (result, _) = await harness.run(TaskSpec(description: trivialTask, policy: policy(5)))
        #expect(result.decision == .abortRegression)
        #expect(result.iterations == 3, "the first regression is retried from the best")
        #expect(result.output == "good")
        let third = try #require(harness.executor.requests.last)
        #expect(
            third.messages.contains { $0.role == .assistant && $0.content == "good" }, "the retry builds on the best")
        #expect(result.decision.exitCode != 0)
        #expect(result.status == .stopped)
    }

    @Test func refineCarriesFindingsAndMissingSteps() async throws {
        let judge = ScriptedModel(replies: [
            .verdict(
                ["quality": 0.4], findings: [(severity: "blocker", title: "Wrong city named")],
                missingSteps: ["Check the source"]),
            .verdict(["quality": 0.95]),
        ])
        let harness = PipelineHarness(executor: ScriptedModel(replies: [.text("Lyon"), .text("Paris")]), judge: judge)
        let (result, _) = await harness.run(
            TaskSpec(description: "Write the capital of France to a file", policy: policy()))
        #expect(result.decision == .accept)
        let second = try #require(harness.executor.requests.last)
        let feedback = second.messages.last?.content ?? ""
        #expect(feedback.contains("[blocker] general: Wrong city named"))
        #expect(feedback.contains("Suggested fix: do better"))
        #expect(feedback.contains("weigh each one"), "findings are a review to weigh, not orders")
        #expect(second.messages.contains { $0.role == .assistant && $0.content == "Lyon" })
        #expect(second.system?.contains("Check the source") == true, "the plan gained the missing step")
    }

    @Test func anUnparseableVerdictIsReportedNotGuessedAndDrivesNoRefinement() async throws {
        let harness = PipelineHarness(
            executor: ScriptedModel(replies: [.text("Paris"), .text("never asked")]),
            judge: ScriptedModel(replies: [.text("I think it is pretty good!")]))
        let (result, events) = await harness.run(TaskSpec(description: trivialTask, policy: policy(3)))
        #expect(result.score == nil)
        #expect(result.decision == .unscored)
        #expect(result.output == "Paris")
        #expect(result.iterations == 1, "an unscored verdict does not drive a refinement")
        #expect(harness.executor.callCount == 1)
        #expect(result.findings.isEmpty, "the judge's failure is not a finding")
        #expect(result.judgeProblems.first?.contains("could not be read") == true)
        #expect(result.error?.contains("no iteration could be scored") == true)
        #expect(harness.judge.callCount == 2, "the judge is asked once more for JSON")
        #expect(
            events.contains {
                if case .notice(_, .judgeProblem(let p)) = $0.kind { return p.kind == .unparseable }; return false
            })
        let scores = events.compactMap { event -> Double?? in
            if case .decided(_, let score, _, _, _) = event.kind { return score }
            return nil
        }
        #expect(scores == [nil])
    }

    @Test func identicalOutputIsReportedAndNotASilentStop() async throws {
        let harness = PipelineHarness(
            executor: ScriptedModel(replies: [.text("same"), .text("same"), .text("better")]),
            judge: ScriptedModel(replies: [.verdict(["quality": 0.5]), .verdict(["quality": 0.9])]))
        var p = policy(3)
        p.improvementThreshold = 0
        let (result, events) = await harness.run(TaskSpec(description: trivialTask, policy: p))
        #expect(result.iterations == 3)
        #expect(result.output == "better")
        #expect(result.decision == .accept)
        #expect(harness.judge.callCount == 2, "the identical attempt reuses the verdict")
        #expect(
            events.contains {
                if case .evaluated(2, _, true) = $0.kind { return true }; return false
            })
        let third = try #require(harness.executor.requests.last)
        #expect(third.messages.last?.content.contains("identical") == true)
    }

    @Test func zeroIterationsExecutesOnceWithoutJudging() async throws {
        let harness = PipelineHarness(
            executor: ScriptedModel(replies: [.text("Paris")]), judge: ScriptedModel(replies: []))
        let (result, _) = await harness.run(TaskSpec(description: "Implement a parser", policy: policy(0)))
        #expect(result.output == "Paris")
        #expect(result.iterations == 1)
        #expect(harness.judge.callCount == 0)
        #expect(harness.planner.callCount == 0)
        #expect(result.decision.exitCode == 0)
    }

    @Test func nonTrivialTasksArePlannedFirst() async throws {
        let harness = PipelineHarness(
            executor: ScriptedModel(replies: [.text("done")]), judge: ScriptedModel(replies: [.verdict(["quality": 1])])
        )
        let (_, events) = await harness.run(
            TaskSpec(description: "Implement a CSV parser in src/csv.py", policy: policy()))
        #expect(harness.planner.callCount == 1)
        let system = harness.executor.requests.first?.system ?? ""
        #expect(system.contains("1. do it"))
        #expect(system.contains("- done"))
        #expect(
            events.contains {
                if case .planReady(let plan) = $0.kind { return !plan.skipped }; return false
            })
    }
}

struct ToolOfferTests {
    @Test func plainQuestionsAreAnsweredWithoutTools() async throws {
        var harness = PipelineHarness(
            executor: ScriptedModel(replies: [.text("Paris")]),
            judge: ScriptedModel(replies: [.verdict(["quality": 0.9])]))
        harness.tools = EchoTools()
        _ = await harness.run(TaskSpec(description: trivialTask, policy: policy()))
        #expect(harness.executor.requests.first?.tools.isEmpty == true)
        _ = await harness.run(TaskSpec(description: toolTask, policy: policy()))
        #expect(harness.executor.requests.last?.tools.map(\.name) == ["probe"])
        #expect(harness.executor.requests.last?.system?.contains("probe") == true)
    }
}
