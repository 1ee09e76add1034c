@testable import OpenKoiCore
import OpenKoiTesting
import Testing

struct PipelineBreakerTests {
    @Test func tokenBudgetStopsTheTask() async throws {
        let harness = PipelineHarness(
            executor: ScriptedModel(replies: [
                ScriptedReply(text: "long", usage: TokenUsage(inputTokens: 600, outputTokens: 500))
            ]),
            judge: ScriptedModel(replies: [.verdict(["quality": 0.5])]))
        var p = policy(5)
        p.tokenBudget = 1000
        let (result, _) = await harness.run(TaskSpec(description: trivialTask, policy: p))
        #expect(result.decision == .abortBudget)
        #expect(result.decision.exitCode == 4)
        #expect(result.error?.contains("token budget") == true)
        #expect(result.output == "long")
        #expect(harness.judge.callCount == 0, "the breaker trips before evaluation")
    }

    @Test func costBudgetCountsCacheTokens() async throws {
        var harness = PipelineHarness(
            executor: ScriptedModel(replies: [
                ScriptedReply(
                    text: "x",
                    usage: TokenUsage(inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 1_000_000))
            ]),
            judge: ScriptedModel(replies: [.verdict(["quality": 0.5])]))
        harness.pricing = ModelPricing(inputPerMTok: 1, outputPerMTok: 1)  // cache write defaults to 1.25/Mtok
        var p = policy(5)
        p.maxCostUSD = 1.0
        p.tokenBudget = 0
        let (result, _) = await harness.run(TaskSpec(description: trivialTask, policy: p))
        #expect(result.decision == .abortCost)
        #expect(abs(result.costUSD - 1.25) < 1e-9)
        #expect(result.decision.exitCode == 5)
    }

    /// `budget.warning` once spend reaches 80% of the USD budget, before the breaker stops the task.
    @Test func eightyPercentOfTheCostBudgetIsWarnedOnce() async throws {
        let usage = TokenUsage(inputTokens: 450_000, outputTokens: 0)  // $0.45 a call at $1/Mtok
        var harness = PipelineHarness(
            executor: ScriptedModel { _, _ in ScriptedReply(text: "x", usage: usage) },
            judge: ScriptedModel { _, _ in .verdict(["quality": 0.2], findings: [("major", "wrong")]) })
        harness.pricing = ModelPricing(inputPerMTok: 1, outputPerMTok: 1)
        var p = policy(5)
        p.maxCostUSD = 1.0
        p.tokenBudget = 0
        let (result, events) = await harness.run(TaskSpec(description: "Write a haiku about rain", policy: p))
        let warnings = events.compactMap { event -> String? in
            guard case .notice(_, let notice) = event.kind, case .budgetWarning = notice else { return nil }
            return notice.text
        }
        #expect(warnings == ["budget.warning: $0.90 of the $1.00 budget spent (80%)"], "\(result)")
        #expect(result.decision == .abortCost)
    }

    @Test func wallClockBudgetCancelsTheInFlightCall() async throws {
        let sawCancellation = LockedValue(false)
        let executor = ScriptedModel { _, _ in
            do { try await waitUntilCancelled() } catch {
                sawCancellation.withLock { $0 = true }
                throw error
            }
        }
        let harness = PipelineHarness(executor: executor, judge: ScriptedModel(replies: []))
        var p = policy(3)
        p.timeoutSeconds = 0.2
        let (result, _) = await harness.run(TaskSpec(description: trivialTask, policy: p))
        #expect(result.decision == .abortTimeout)
        #expect(result.decision.exitCode == 6)
        #expect(result.error?.contains("wall-clock") == true)
        #expect(sawCancellation.value, "the model call itself was cancelled")
    }

    @Test func cancellingTheCallerCancelsTheTask() async throws {
        let started = AsyncStream<Void>.makeStream()
        let executor = ScriptedModel { _, _ in
            started.continuation.yield()
            try await waitUntilCancelled()
        }
        let roles = TaskRoles.single(ModelBinding(provider: executor, model: "x"))
        let pipeline = Pipeline(services: PipelineServices(router: FixedModelRouter(roles)))
        let task = Task { await pipeline.submit(TaskSpec(description: trivialTask)) }
        for await _ in started.stream { break }
        task.cancel()
        let result = await task.value
        #expect(result.decision == .cancelled)
        #expect(result.decision.exitCode == 130)
        await pipeline.shutdown()
    }

    @Test func toolLoopCircuitBreakerStopsARunawayModel() async throws {
        let executor = ScriptedModel { _, n in
            ScriptedReply(toolCalls: [ToolCall(id: "c\(n)", name: "probe", arguments: ["n": .number(Double(n))])])
        }
        var harness = PipelineHarness(executor: executor, judge: ScriptedModel(replies: []))
        harness.tools = EchoTools()
        var p = policy(3)
        p.toolLoop = ToolLoopLimits(warning: 1, critical: 2, circuitBreaker: 4)
        let (result, events) = await harness.run(TaskSpec(description: toolTask, policy: p))
        #expect(result.decision == .abortToolLoop)
        #expect(result.decision.exitCode == 7)
        #expect(
            events.contains {
                if case .toolLoopWarning(_, _, .warning) = $0.kind { return true }; return false
            })
        #expect(
            events.contains {
                if case .toolLoopWarning(_, _, .critical) = $0.kind { return true }; return false
            })
        let wrapUp = harness.executor.requests.last?.messages.contains { $0.content.hasPrefix("[SYSTEM WARNING]") }
        #expect(wrapUp == true)
    }

    @Test func providerFailureIsAFailureNotAnEmptySuccess() async throws {
        let executor = ScriptedModel { _, _ in
            throw ProviderError(.authentication, provider: "fake", message: "invalid API key")
        }
        let harness = PipelineHarness(executor: executor, judge: ScriptedModel(replies: []))
        let (result, _) = await harness.run(TaskSpec(description: trivialTask, policy: policy()))
        #expect(result.decision == .failed)
        #expect(result.decision.exitCode == 1)
        #expect(result.status == .failed)
        #expect(result.error?.contains("invalid API key") == true)
    }

    @Test func contextOverflowPrunesAndRetriesOnce() async throws {
        let executor = ScriptedModel { request, n in
            switch n {
            case 0, 1, 2:
                return ScriptedReply(toolCalls: [
                    ToolCall(id: "c\(n)", name: "probe", arguments: ["n": .number(Double(n))])
                ])
            case 3: throw ProviderError(.contextOverflow, provider: "fake", message: "maximum context length exceeded")
            default:
                let cleared = request.messages.filter { $0.content.contains("cleared") }.count
                return .text("answer after pruning \(cleared)")
            }
        }
        var harness = PipelineHarness(executor: executor, judge: ScriptedModel(replies: [.verdict(["quality": 0.9])]))
        harness.tools = EchoTools()
        let (result, events) = await harness.run(TaskSpec(description: toolTask, policy: policy()))
        #expect(result.decision == .accept)
        #expect(result.output == "answer after pruning 1")
        #expect(
            events.contains {
                if case .contextPruned = $0.kind { return true }; return false
            })
    }

    @Test func anOverflowThatFitsThePromptShrinksTheAnswerAllowance() async throws {
        let executor = ScriptedModel { _, n in
            if n == 0 {
                throw ProviderError(
                    .contextOverflow, provider: "openai",
                    message: "This model's maximum context length is 8000 tokens. However, you requested 9000 tokens "
                        + "(5000 in the messages, 4000 in the completion). Please reduce the length of the messages.")
            }
            return .text("Paris.")
        }
        let harness = PipelineHarness(executor: executor, judge: ScriptedModel(replies: [.verdict(["quality": 0.9])]))
        let (result, _) = await harness.run(TaskSpec(description: trivialTask, policy: policy(1)))
        #expect(result.output == "Paris.", "\(result.error ?? "")")
        let retry = try #require(harness.executor.requests.last)
        #expect(retry.maxTokens == 8000 - 5000 - 32, "the answer asked for is what the window leaves")
        #expect(retry.messages == harness.executor.requests[0].messages, "nothing pruned: the prompt fitted")
    }

    @Test func aSmallerWindowThanAssumedIsLearnedAndTheHistoryPrunedToIt() async throws {
        let executor = ScriptedModel { request, n in
            switch n {
            case 0, 1, 2:
                return ScriptedReply(toolCalls: [
                    ToolCall(id: "c\(n)", name: "probe", arguments: ["n": .number(Double(n))])
                ])
            case 3:
                throw ProviderError(
                    .contextOverflow, provider: "local",
                    message: "HTTP 400 exceed_context_size_error: request (9000 tokens) exceeds the available "
                        + "context size (4096 tokens), try increasing it")
            default:
                return .text("answer in \(request.maxTokens ?? 0)")
            }
        }
        var harness = PipelineHarness(executor: executor, judge: ScriptedModel(replies: [.verdict(["quality": 0.9])]))
        harness.tools = EchoTools()
        let (result, events) = await harness.run(TaskSpec(description: toolTask, policy: policy(1)))
        #expect(result.output == "answer in 1024", "a quarter of the learned window: \(result.error ?? "")")
        let overflowed = harness.executor.requests[3]
        let retry = try #require(harness.executor.requests.last)
        #expect(retry.messages != overflowed.messages, "the history was pruned before the retry")
        #expect(
            events.contains {
                if case .contextPruned = $0.kind { return true }; return false
            })
    }

    @Test func overflowMessagesGiveTheirSizes() {
        let llama = ContextOverflowDetector.limits(
            in: "request (8361 tokens) exceeds the available context size (4096 tokens), try increasing it")
        #expect(llama?.prompt == 8361 && llama?.context == 4096)
        let openAI = ContextOverflowDetector.limits(
            in: "maximum context length is 128000 tokens. However, you requested 130000 tokens (126000 in the "
                + "messages, 4000 in the completion).")
        #expect(openAI?.prompt == 126000 && openAI?.context == 128000)
        #expect(ContextOverflowDetector.limits(in: "prompt is too long") == nil)
    }

    @Test func toolCallWrittenAsJSONTextIsRecognisedAndARepeatIsNoDeadEnd() async throws {
        let call = "```json\n{\"name\": \"probe\", \"arguments\": {\"n\": 1}}\n```"
        let executor = ScriptedModel(replies: [.text(call), .text(call), .text("The probe says 1.")])
        var harness = PipelineHarness(executor: executor, judge: ScriptedModel(replies: [.verdict(["quality": 0.9])]))
        let tools = EchoTools()
        harness.tools = tools
        let (result, _) = await harness.run(TaskSpec(description: toolTask, policy: policy(1)))
        #expect(tools.calls.value == 2, "the repeated call ran again")
        #expect(harness.executor.callCount == 3, "the repeat did not end the attempt")
        #expect(result.output == "The probe says 1.")
        let third = try #require(harness.executor.requests.last)
        #expect(third.messages.contains { $0.content.hasPrefix("[Tool result for probe]") })
        #expect(third.messages.last?.content.contains("You already made this exact call") == true)
    }

    @Test func aCallMadeThreeTimesWithdrawsTools() async throws {
        let call = ScriptedReply(toolCalls: [ToolCall(id: "c", name: "probe", arguments: ["n": 1])])
        let executor = ScriptedModel(replies: [call, call, call, .text("Answer without tools.")])
        var harness = PipelineHarness(executor: executor, judge: ScriptedModel(replies: [.verdict(["quality": 0.9])]))
        harness.tools = EchoTools()
        let (result, _) = await harness.run(TaskSpec(description: toolTask, policy: policy(1)))
        #expect(result.output == "Answer without tools.")
        let last = try #require(harness.executor.requests.last)
        #expect(last.tools.isEmpty, "the fourth request offers no tools")
        #expect(last.messages.last?.content.contains("Tools are withdrawn") == true)
    }
}

struct ToolWorkEvaluationTests {
    @Test func theJudgeSeesToolCallsAndASilentFinishReportsThem() async throws {
        let executor = ScriptedModel(replies: [
            ScriptedReply(toolCalls: [ToolCall(id: "c1", name: "probe", arguments: ["path": "notes.txt"])]), .text(""),
        ])
        let judge = ScriptedModel(replies: [.verdict(["quality": 0.9])])
        var harness = PipelineHarness(executor: executor, judge: judge)
        harness.tools = EchoTools()
        let (result, _) = await harness.run(TaskSpec(description: toolTask, policy: policy()))
        #expect(result.decision == .accept)
        #expect(result.output.contains("Actions:\n- probe(\"notes.txt\")"))
        let prompt = try #require(judge.requests.first?.messages.first?.content)
        #expect(prompt.contains("# Tool calls the agent made"))
        #expect(prompt.contains("echo {\"path\":\"notes.txt\"}"))
        #expect(judge.requests.first?.responseSchema != nil, "the judge asks for constrained JSON")
    }
}

/// A tool box with one tool, `probe`, that echoes its arguments.
struct EchoTools: ToolBox {
    let calls = LockedValue(0)
    var definitions: [ToolDefinition] {
        [ToolDefinition(name: "probe", description: "Echoes.", parameters: ["type": "object"])]
    }
    func call(_ call: ToolCall) async -> ToolOutcome {
        calls.withLock { $0 += 1 }
        return ToolOutcome(content: "echo \(call.arguments.jsonString)")
    }
}

struct ReviewRegressionTests {
    @Test func tokensOfAStoppedExecutionStillCount() async throws {
        let secondCall = AsyncStream<Void>.makeStream()
        // One model plays every role: call 0 plans (15 tokens), call 1 asks for a tool (100), call 2 hangs.
        let executor = ScriptedModel { _, n in
            if n == 0 { return .text(#"{"steps": ["probe"]}"#) }
            if n == 1 {
                return ScriptedReply(
                    toolCalls: [ToolCall(id: "c", name: "probe", arguments: [:])],
                    usage: TokenUsage(inputTokens: 70, outputTokens: 30))
            }
            secondCall.continuation.yield()
            try await waitUntilCancelled()
        }
        let roles = TaskRoles(executor: ModelBinding(provider: executor, model: "x"))
        let pipeline = Pipeline(services: PipelineServices(router: FixedModelRouter(roles), tools: EchoTools()))
        let task = Task { await pipeline.submit(TaskSpec(description: toolTask, policy: policy())) }
        for await _ in secondCall.stream { break }
        task.cancel()
        let result = await task.value
        await pipeline.shutdown()
        #expect(result.decision == .cancelled)
        #expect(result.usage.total == 115, "the interrupted execution's tokens are in the result")
    }

    @Test func anInfiniteTimeoutDoesNotTrap() async throws {
        let harness = PipelineHarness(
            executor: ScriptedModel(replies: [.text("Paris")]),
            judge: ScriptedModel(replies: [.verdict(["quality": 0.9])]))
        var p = policy()
        p.timeoutSeconds = .infinity
        let (result, _) = await harness.run(TaskSpec(description: trivialTask, policy: p))
        #expect(result.decision == .accept)
    }

    @Test func toolAttemptsWithTheSameWordsAreJudgedAgain() async throws {
        let call = ScriptedReply(toolCalls: [ToolCall(id: "c", name: "probe", arguments: ["n": 1])])
        let executor = ScriptedModel(replies: [call, .text("Fixed it."), call, .text("Fixed it.")])
        let judge = ScriptedModel(replies: [.verdict(["quality": 0.4]), .verdict(["quality": 0.95])])
        var harness = PipelineHarness(executor: executor, judge: judge)
        harness.tools = EchoTools()
        let (result, _) = await harness.run(TaskSpec(description: toolTask, policy: policy()))
        #expect(judge.callCount == 2)
        #expect(result.decision == .accept)
    }
}

struct ContextPrunerTests {
    @Test func neverKeepsAToolResultWithoutItsCall() {
        let call = ToolCall(id: "a", name: "probe", arguments: [:])
        let messages: [ChatMessage] = [
            .user("task"), .assistant("", toolCalls: [call, ToolCall(id: "b", name: "probe", arguments: [:])]),
            .toolResult(for: call, content: "x"),
            ChatMessage(role: .tool, content: "y", toolCallID: "b", toolName: "probe"),
        ]
        let pruned = ContextPruner.prune(messages)
        if let firstKept = pruned.messages.dropFirst().first(where: { !$0.content.hasPrefix("[") }) {
            #expect(firstKept.role != .tool)
        }
        for (index, message) in pruned.messages.enumerated() where message.role == .tool {
            #expect(pruned.messages[..<index].contains { !$0.toolCalls.isEmpty }, "tool result \(index) has its call")
        }
    }
}

extension ContextPrunerTests {
    @Test func pruningChangesTheConversation() {
        let calls = (0..<4).map { ToolCall(id: "c\($0)", name: "probe", arguments: [:]) }
        var messages: [ChatMessage] = [.user("task")]
        for call in calls {
            messages += [.assistant("", toolCalls: [call]), .toolResult(for: call, content: "result")]
        }
        let pruned = ContextPruner.prune(messages)
        #expect(pruned.removed == 2, "the two oldest of four tool results are cleared")
        #expect(pruned.messages.filter { $0.content == ContextPruner.placeholder }.count == 2)
        #expect(pruned.messages.last?.content == "result")
    }

    /// Pruning what an earlier pruning left ends: replacing only its note frees nothing.
    @Test func pruningStopsWhenOnlyItsOwnNoteIsLeftToDrop() {
        let messages: [ChatMessage] = [
            .user("task"), .user("[3 earlier message(s) removed to fit the context window]"),
            .assistant("working"), .user("go on"),
        ]
        let pruned = ContextPruner.prune(messages)
        #expect(pruned.removed == 0)
        #expect(pruned.messages == messages)
        let longer = messages + [.assistant("more"), .user("and more")]
        let again = ContextPruner.prune(longer)
        #expect(again.removed == 1, "one real message dropped; the old note is replaced, not counted")
        #expect(again.messages.count == 5)
    }

    /// A binding that knows its window gets no request the estimate says is over it.
    @Test func historyIsPrunedToFitAKnownWindowBeforeTheCall() async throws {
        let big = String(repeating: "x", count: 3000)
        let sizes = LockedValue<[Int]>([])
        let executor = ScriptedModel { request, n in
            sizes.withLock {
                $0.append(ContextPruner.estimatedTokens(system: request.system ?? "", messages: request.messages))
            }
            if n < 5 {
                return ScriptedReply(toolCalls: [
                    ToolCall(id: "c\(n)", name: "probe", arguments: ["n": .number(Double(n)), "pad": .string(big)])
                ])
            }
            return .text("done")
        }
        let roles = TaskRoles.single(
            ModelBinding(provider: executor, model: "x", contextWindow: 3000, maxOutputTokens: 500))
        let bus = EventBus()
        let events = bus.subscribe()
        let pipeline = Pipeline(
            services: PipelineServices(router: FixedModelRouter(roles), tools: EchoTools(), events: bus))
        let result = await pipeline.submit(TaskSpec(description: toolTask, policy: policy(0)))
        await pipeline.shutdown()
        bus.finish()
        var pruned = false
        for await event in events { if case .contextPruned = event.kind { pruned = true } }
        #expect(result.output == "done")
        #expect(pruned)
        #expect(sizes.value.count >= 6)
        #expect(sizes.value.allSatisfy { $0 <= 2500 }, "\(sizes.value)")
    }
}
