/// One execution: stream the executor model's answer, run the tools it asks for, feed the results
/// back, and repeat until it answers without tools or a limit trips.
struct ToolLoop: Sendable {
    static let textResultPrefix = "[Tool result for "

    let binding: ModelBinding
    let tools: any ToolBox
    let events: any EventSink
    let taskID: String
    let iteration: Int
    let policy: TaskPolicy

    /// - Parameters:
    ///   - system: the system prompt.
    ///   - messages: the conversation so far (task, previous attempt, feedback).
    ///   - spend: the task's spend so far, updated after every call — shared, not returned, so that the
    ///     tokens of an execution that times out or fails still count.
    func run(system: String, messages initial: [ChatMessage], spend: LockedValue<BudgetMeter>) async throws -> Attempt {
        var messages = initial
        let definitions = tools.definitions
        var usage = TokenUsage.zero
        var finalText = ""
        var allText: [String] = []
        var lastCallSignature: String?
        var modified: [String] = []
        var actions: [ToolAction] = []
        var warnedCritical = false
        var prunedThisCall = false
        var round = 0

        while true {
            round += 1
            let offerTools = !definitions.isEmpty && round <= policy.maxToolRounds
            let request = ChatRequest(
                model: binding.model, system: system, messages: messages, tools: offerTools ? definitions : [],
                maxTokens: min(policy.maxOutputTokens, binding.maxOutputTokens ?? .max), temperature: 0.7)
            let response: ChatResponse
            do {
                let iteration = self.iteration
                let taskID = self.taskID
                let events = self.events
                response = try await ChatResponse.collect(binding.provider.stream(request)) { text in
                    events.publish(TaskEvent(taskID: taskID, kind: .outputDelta(iteration: iteration, text: text)))
                }
                prunedThisCall = false
            } catch let error as ProviderError where error.kind == .contextOverflow && !prunedThisCall {
                let pruned = ContextPruner.prune(messages)
                guard pruned.removed > 0 else { throw error }
                messages = pruned.messages
                prunedThisCall = true
                events.publish(TaskEvent(taskID: taskID, kind: .contextPruned(iteration: iteration, removedMessages: pruned.removed)))
                continue
            }
            usage += response.usage
            let meter = spend.withLock { m -> BudgetMeter in
                m.record(response.usage, pricing: binding.pricing)
                return m
            }
            events.publish(
                TaskEvent(taskID: taskID, kind: .usage(phase: .execute, totalUsage: meter.usage, totalCostUSD: meter.costUSD)))
            if let stop = meter.exceeded(policy) {
                return Attempt(
                    output: response.content.isEmpty ? finalText : response.content, usage: usage, stop: stop,
                    stopReason: meter.explanation(for: stop, policy: policy))
            }

            var calls = response.toolCalls
            let native = !calls.isEmpty
            if calls.isEmpty, offerTools {
                calls = ToolCallExtractor.calls(in: response.content, tools: definitions, round: round)
            }
            if !response.content.isEmpty, !native, calls.isEmpty { allText.append(response.content) }
            guard !calls.isEmpty, offerTools else {
                finalText = response.content
                break
            }

            let signature = calls.map { "\($0.name)\($0.arguments.jsonString)" }.joined(separator: "|")
            if signature == lastCallSignature {
                // The same call again, with nothing new to learn from it: stop the loop rather than spin.
                finalText = native ? response.content : ""
                allText.append("[Stopped: the model repeated the same tool call \(calls[0].name).]")
                break
            }
            lastCallSignature = signature

            messages.append(.assistant(response.content, toolCalls: native ? calls : []))
            for call in calls {
                let meter = spend.withLock { m -> BudgetMeter in
                    m.recordToolCall()
                    return m
                }
                let summary = Self.summary(of: call)
                events.publish(TaskEvent(taskID: taskID, kind: .toolCall(iteration: iteration, name: call.name, summary: summary)))
                if meter.toolCalls >= policy.toolLoop.circuitBreaker {
                    return Attempt(
                        output: finalText.isEmpty ? allText.joined(separator: "\n\n") : finalText, usage: usage,
                        stop: .abortToolLoop,
                        stopReason: "tool loop circuit breaker: \(meter.toolCalls) tool calls reached the limit of \(policy.toolLoop.circuitBreaker) ([safety.tool_loop] circuit_breaker)")
                }
                let outcome = await tools.call(call)
                try Task.checkCancellation()
                if let path = outcome.modifiedPath, !modified.contains(path) { modified.append(path) }
                actions.append(ToolAction(
                    summary: summary, arguments: ExecutorPrompt.clip(call.arguments.jsonString, limit: 2000),
                    result: ExecutorPrompt.clip(outcome.content, limit: 600), isError: outcome.isError))
                if native {
                    messages.append(.toolResult(for: call, content: outcome.content))
                } else {
                    messages.append(.user("\(Self.textResultPrefix)\(call.name)]\n\(outcome.content)"))
                }
            }
            let totalCalls = spend.value.toolCalls
            if totalCalls >= policy.toolLoop.critical, !warnedCritical {
                warnedCritical = true
                events.publish(
                    TaskEvent(taskID: taskID, kind: .toolLoopWarning(iteration: iteration, calls: totalCalls, level: .critical)))
                messages.append(
                    .user("[SYSTEM WARNING] You have made \(totalCalls) tool calls. Wrap up now: give your final answer without further tool calls."))
            } else if totalCalls >= policy.toolLoop.warning, totalCalls - calls.count < policy.toolLoop.warning {
                events.publish(
                    TaskEvent(taskID: taskID, kind: .toolLoopWarning(iteration: iteration, calls: totalCalls, level: .warning)))
            }
        }
        var output = finalText.isEmpty ? allText.joined(separator: "\n\n") : finalText
        if finalText.trimmed.isEmpty, !actions.isEmpty {
            // The model acted through tools and closed without prose: report what it did.
            output = Self.report(actions, modified: modified) + (output.isEmpty ? "" : "\n\n" + output)
        }
        return Attempt(output: output, usage: usage, stop: nil, stopReason: nil, modifiedPaths: modified, actions: actions)
    }

    /// A plain account of tool work, used as the answer when the model gave no closing text.
    static func report(_ actions: [ToolAction], modified: [String]) -> String {
        var lines: [String] = []
        if !modified.isEmpty { lines.append("Changed files: " + modified.joined(separator: ", ")) }
        lines.append("Actions:")
        for action in actions.suffix(20) {
            lines.append("- \(action.summary)" + (action.isError ? " (failed: \(action.result.split(separator: "\n").first ?? ""))" : ""))
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
