/// One execution: stream the executor model's answer, run the tools it asks for (native calls,
/// JSON calls in text, and the edit blocks it writes), feed the results back, and repeat until
/// it answers without asking for more or a limit trips.
struct ToolLoop: Sendable {
    static let textResultPrefix = "[Tool result for "
    /// Rounds in which the model may repair edit blocks that did not apply, per attempt.
    static let maxEditRepairRounds = 2

    let binding: ModelBinding
    let tools: any ToolBox
    let events: any EventSink
    let taskID: String
    let iteration: Int
    let policy: TaskPolicy
    /// How this model asks for tools: native schemas are only sent in `.native` style.
    var style: ToolCallStyle = .native
    var context = ToolCallContext()
    /// Where edit blocks may apply; `nil` for tasks that touch no files.
    var scope: EditScope?
    var files: (any WorkspaceFiles)?
    var temperature = 0.7
    /// Ask the provider for token log probabilities (to skip judging a confident trivial answer).
    var wantsConfidence = false
    /// Sequences that end the model's reply (the start of a protected file's block).
    var stopSequences: [String] = []
    /// Read tool calls the model writes as JSON text (off when every file is already in the prompt).
    var textCalls = true

    /// What the loop observed about the model's tool-calling style.
    struct Observation: Sendable {
        var nativeCalls = false
        var textCalls = false
    }

    /// - Parameters:
    ///   - system: the system prompt.
    ///   - messages: the conversation so far (task, previous attempt, feedback).
    ///   - spend: the task's spend so far, updated after every call — shared, not returned, so that the
    ///     tokens of an execution that times out or fails still count.
    func run(
        system: String, messages initial: [ChatMessage], spend: LockedValue<BudgetMeter>
    ) async throws -> (Attempt, Observation) {
        var state = State(messages: initial)
        let definitions = tools.definitions
        var observation = Observation()
        var round = 0

        while true {
            round += 1
            let toolsAvailable = !definitions.isEmpty && round <= policy.maxToolRounds && !state.toolsWithdrawn
            let maxTokens = min(policy.maxOutputTokens, binding.maxOutputTokens ?? .max, state.answerCap ?? .max)
            fitToContextWindow(&state, system: system, reserving: maxTokens)
            let request = ChatRequest(
                model: binding.model, system: system, messages: state.messages,
                tools: toolsAvailable && style == .native ? definitions : [],
                maxTokens: maxTokens, temperature: temperature,
                logprobs: wantsConfidence, stop: stopSequences)
            let response: ChatResponse
            do {
                let iteration = self.iteration
                let taskID = self.taskID
                let events = self.events
                let binding = self.binding
                response = try await ModelCallContext.$current.withValue(
                    ModelCallContext(taskID: taskID, phase: .execute)
                ) {
                    try await ChatResponse.collect(
                        binding.provider.stream(request),
                        onText: { text in
                            events.publish(
                                TaskEvent(taskID: taskID, kind: .outputDelta(iteration: iteration, text: text)))
                        }, cut: Repetition.cut)
                }
                state.prunedThisCall = false
            } catch let error as ProviderError where error.kind == .contextOverflow && !state.prunedThisCall {
                if let limits = ContextOverflowDetector.limits(in: error.message) {
                    state.prunedThisCall = true
                    guard adapt(to: limits, sent: request, &state) else { throw error }
                    continue
                }
                let pruned = ContextPruner.prune(state.messages)
                guard pruned.removed > 0 else { throw error }
                state.messages = pruned.messages
                state.prunedThisCall = true
                events.publish(
                    TaskEvent(
                        taskID: taskID, kind: .contextPruned(iteration: iteration, removedMessages: pruned.removed)))
                continue
            }
            state.usage += response.usage
            let (meter, warn) = spend.withLock { m -> (BudgetMeter, Bool) in
                m.record(
                    response.usage, pricing: response.pricing ?? binding.pricing, phase: .execute,
                    servedBy: response.servedBy)
                return (m, m.takeCostWarning(policy))
            }
            events.publish(
                TaskEvent(
                    taskID: taskID, kind: .usage(phase: .execute, totalUsage: meter.usage, totalCostUSD: meter.costUSD))
            )
            if warn {
                let warning = Notice.budgetWarning(spentUSD: meter.costUSD, limitUSD: policy.maxCostUSD)
                events.publish(TaskEvent(taskID: taskID, kind: .notice(iteration: iteration, warning)))
            }
            if let stop = meter.exceeded(policy) {
                return (
                    state.attempt(
                        output: response.content.isEmpty ? state.finalText : response.content, stop: stop,
                        reason: meter.explanation(for: stop, policy: policy)), observation
                )
            }

            var calls = response.toolCalls
            let native = !calls.isEmpty
            if calls.isEmpty, toolsAvailable, textCalls || style == .native {
                calls = ToolCallExtractor.calls(in: response.content, tools: definitions, round: round)
            }
            observation.nativeCalls = observation.nativeCalls || native
            var editFailures: [String] = []
            if let scope, !definitions.isEmpty {
                let edits = EditBlockParser.edits(in: response.content, truncated: response.stopReason == .maxTokens)
                if !native, !calls.isEmpty || !edits.isEmpty { observation.textCalls = true }
                editFailures = await apply(edits, scope: scope, round: round, state: &state, spend: spend)
                if let stop = state.stop {
                    return (state.attempt(output: response.content, stop: stop.0, reason: stop.1), observation)
                }
            } else if !native, !calls.isEmpty {
                observation.textCalls = true
            }
            if !response.content.isEmpty, !native, calls.isEmpty { state.allText.append(response.content) }
            let repairEdits = !editFailures.isEmpty && state.editRepairs < Self.maxEditRepairRounds && toolsAvailable
            guard (!calls.isEmpty && toolsAvailable) || repairEdits else {
                state.finalText = response.content
                state.confidence = state.actions.isEmpty ? response.confidence : nil
                break
            }

            state.messages.append(.assistant(response.content, toolCalls: native ? calls : []))
            if calls.isEmpty {
                state.editRepairs += 1
                state.messages.append(.user(ExecutorPrompt.editRepair(editFailures)))
                continue
            }
            for call in calls {
                if let stop = await perform(call, native: native, state: &state, spend: spend) {
                    return (state.attempt(output: state.bestText, stop: stop.0, reason: stop.1), observation)
                }
            }
            if !editFailures.isEmpty { state.messages.append(.user(ExecutorPrompt.editRepair(editFailures))) }
            warnAboutToolUse(calls: calls.count, state: &state, spend: spend)
        }
        var output = state.finalText.isEmpty ? state.allText.joined(separator: "\n\n") : state.finalText
        if state.finalText.trimmed.isEmpty, !state.actions.isEmpty {
            // The model acted through tools and closed without prose: report what it did.
            output = Self.report(state.actions, modified: state.modified) + (output.isEmpty ? "" : "\n\n" + output)
        }
        return (state.attempt(output: output, stop: nil, reason: nil), observation)
    }

    /// Runs one tool call and appends its result; returns a breaker stop, if one tripped.
    private func perform(
        _ call: ToolCall, native: Bool, state: inout State, spend: LockedValue<BudgetMeter>
    ) async -> (Decision, String)? {
        let summary = Self.summary(of: call)
        if let stop = countToolCall(name: call.name, summary: summary, spend: spend) { return stop }
        let outcome = await runTracked(call, state: &state)
        var content = outcome.content
        content += await state.repeats.note(for: call, outcome: outcome, files: files)
        if state.repeats.shouldWithdrawTools(after: call) {
            state.toolsWithdrawn = true
            content +=
                "\n\n[The same call was made three times. Tools are withdrawn for this attempt: give your final answer now.]"
        }
        state.actions.append(
            ToolAction(
                summary: summary, arguments: ExecutorPrompt.clip(call.arguments.jsonString, limit: 2000),
                result: ExecutorPrompt.clip(outcome.content, limit: 600), isError: outcome.isError))
        if native {
            state.messages.append(.toolResult(for: call, content: content))
        } else {
            state.messages.append(.user("\(Self.textResultPrefix)\(call.name)]\n\(content)"))
        }
        return nil
    }

    /// Counts a call against the tool-loop breaker and shows it in progress.
    func countToolCall(name: String, summary: String, spend: LockedValue<BudgetMeter>) -> (Decision, String)? {
        let meter = spend.withLock { m -> BudgetMeter in
            m.recordToolCall()
            return m
        }
        events.publish(TaskEvent(taskID: taskID, kind: .toolCall(iteration: iteration, name: name, summary: summary)))
        guard meter.toolCalls >= policy.toolLoop.circuitBreaker else { return nil }
        return (
            .abortToolLoop,
            "tool loop circuit breaker: \(meter.toolCalls) tool calls reached the limit of \(policy.toolLoop.circuitBreaker) ([safety.tool_loop] circuit_breaker)"
        )
    }

    /// Runs a call through the tool box, first keeping the original text of a file it may change
    /// (so the task can put the best iteration's files back).
    func runTracked(_ call: ToolCall, state: inout State) async -> ToolOutcome {
        if let files, Self.fileChangingTools.contains(call.name),
            let path = call.arguments.first("path", "file_path")?.stringValue
        {
            for (canonical, text) in await files.contents(of: [path]) where state.originals[canonical] == nil {
                state.originals[canonical] = .some(text)
            }
        }
        let outcome = await tools.call(call, context: context)
        try? Task.checkCancellation()
        if let path = outcome.modifiedPath, !state.modified.contains(path) { state.modified.append(path) }
        return outcome
    }

    static let fileChangingTools: Set<String> = ["write_file", "edit_file"]

    private func warnAboutToolUse(calls: Int, state: inout State, spend: LockedValue<BudgetMeter>) {
        let totalCalls = spend.value.toolCalls
        if totalCalls >= policy.toolLoop.critical, !state.warnedCritical {
            state.warnedCritical = true
            events.publish(
                TaskEvent(
                    taskID: taskID, kind: .toolLoopWarning(iteration: iteration, calls: totalCalls, level: .critical)))
            state.messages.append(
                .user(
                    "[SYSTEM WARNING] You have made \(totalCalls) tool calls. Wrap up now: give your final answer without further tool calls."
                ))
        } else if totalCalls >= policy.toolLoop.warning, totalCalls - calls < policy.toolLoop.warning {
            events.publish(
                TaskEvent(
                    taskID: taskID, kind: .toolLoopWarning(iteration: iteration, calls: totalCalls, level: .warning)))
        }
    }

    /// A plain account of tool work, used as the answer when the model gave no closing text.
    static func report(_ actions: [ToolAction], modified: [String]) -> String {
        var lines: [String] = []
        if !modified.isEmpty { lines.append("Changed files: " + modified.joined(separator: ", ")) }
        lines.append("Actions:")
        for action in actions.suffix(20) {
            lines.append(
                "- \(action.summary)"
                    + (action.isError ? " (failed: \(action.result.split(separator: "\n").first ?? ""))" : ""))
        }
        return lines.joined(separator: "\n")
    }

    /// `read_file("src/a.swift")`-style label for progress lines.
    static func summary(of call: ToolCall) -> String {
        let keys = ["path", "file_path", "command", "pattern"]
        for key in keys {
            if let value = call.arguments[key]?.stringValue {
                let short = value.count > 60 ? String(value.prefix(57)) + "..." : value
                return "\(call.name)(\"\(short)\")"
            }
        }
        return "\(call.name)()"
    }
}

/// Which files an attempt's edit blocks may name without an explicit `### FILE:` heading, and
/// which they may not touch at all.
struct EditScope: Sendable {
    /// Files the workspace has.
    var knownPaths: Set<String>
    /// Files the task names.
    var mentionedPaths: Set<String>
    /// Existing test files, when the task does not ask for test changes. Models re-emit the test
    /// file with their fix; that block is skipped quietly (the tool box would refuse it anyway),
    /// without asking the model to repair it.
    var protectedPaths: Set<String> = []

    func isProtected(_ path: String) -> Bool {
        protectedPaths.contains(path.hasPrefix("./") ? String(path.dropFirst(2)) : path)
    }

    func allowsInferred(_ path: String) -> Bool {
        let plain = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
        return knownPaths.contains(plain) || mentionedPaths.contains(plain)
    }
}
