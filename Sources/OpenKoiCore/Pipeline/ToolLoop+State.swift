extension ToolLoop {
    /// What one execution has gathered so far.
    struct State {
        var messages: [ChatMessage]
        var usage = TokenUsage.zero
        var finalText = ""
        var allText: [String] = []
        var modified: [String] = []
        var actions: [ToolAction] = []
        var originals: [String: String?] = [:]
        var repeats = RepeatedCalls()
        var warnedCritical = false
        var prunedThisCall = false
        /// The context window and answer allowance an overflow error revealed (the server's own
        /// numbers beat the catalog's), and how far our estimate undercounted its prompt.
        var learnedWindow: Int?
        var answerCap: Int?
        var estimateScale = 1.0
        var toolsWithdrawn = false
        var editRepairs = 0
        var confidence: Double?
        /// A breaker that tripped while applying edit blocks.
        var stop: (Decision, String)?

        init(messages: [ChatMessage]) {
            self.messages = messages
        }

        /// The text to return when a breaker stops the attempt.
        var bestText: String { finalText.isEmpty ? allText.joined(separator: "\n\n") : finalText }

        func attempt(output: String, stop: Decision?, reason: String?) -> Attempt {
            Attempt(
                output: output, usage: usage, stop: stop, stopReason: reason, modifiedPaths: modified, actions: actions,
                confidence: confidence, originals: originals)
        }
    }

    /// Prunes the conversation until its estimate leaves `reserving` tokens of the binding's context
    /// window for the answer (nothing to do when the window is unknown or the history fits).
    /// - Returns: how many messages were removed or cleared.
    @discardableResult
    func fitToContextWindow(_ state: inout State, system: String, reserving answerTokens: Int) -> Int {
        guard let window = state.learnedWindow ?? binding.contextWindow else { return 0 }
        let budget = max(window / 4, window - answerTokens)
        var removed = 0
        func estimate() -> Int {
            Int(Double(ContextPruner.estimatedTokens(system: system, messages: state.messages)) * state.estimateScale)
        }
        while estimate() > budget {
            let pruned = ContextPruner.prune(state.messages)
            guard pruned.removed > 0 else { break }
            state.messages = pruned.messages
            removed += pruned.removed
        }
        if removed > 0 {
            events.publish(
                TaskEvent(taskID: taskID, kind: .contextPruned(iteration: iteration, removedMessages: removed)))
        }
        return removed
    }

    /// After a context overflow that said its sizes: when the prompt fits, ask for no more answer
    /// than the window leaves; when it does not, learn the server's window (and how our estimate
    /// undercounts) and prune to fit it. - Returns: whether the call is worth retrying.
    func adapt(to limits: (prompt: Int, context: Int), sent request: ChatRequest, _ state: inout State) -> Bool {
        // A margin for the chat template's own tokens around the messages.
        let room = limits.context - limits.prompt - 32
        if room >= Self.minimumAnswerTokens {
            state.answerCap = min(room, request.maxTokens ?? room)
            return true
        }
        let estimated = ContextPruner.estimatedTokens(system: request.system ?? "", messages: request.messages)
        state.learnedWindow = limits.context
        state.estimateScale = max(1, Double(limits.prompt) / Double(max(1, estimated)))
        let answer = min(request.maxTokens ?? limits.context / 4, limits.context / 4)
        state.answerCap = answer
        return fitToContextWindow(&state, system: request.system ?? "", reserving: answer) > 0
    }

    /// Less room than this for the answer is not worth a retry.
    static let minimumAnswerTokens = 64

    /// Applies the edit blocks of one reply through the tool box, recording each as an action.
    /// - Returns: the failures, worded for the model to repair.
    func apply(
        _ edits: [ProposedEdit], scope: EditScope, round: Int, state: inout State, spend: LockedValue<BudgetMeter>
    ) async -> [String] {
        var failures: [String] = []
        for (index, proposed) in edits.enumerated() {
            var edit = proposed
            var refusal: String?
            var note = ""
            if edit.path == nil, edit.problem == nil, let found = await recognise(edit, scope: scope) {
                edit = found.edit
                note = " (file recognised by its content)"
            }
            if edit.path == nil {
                refusal = "it names no file; put a line `### FILE: <path>` before the block"
            } else if let problem = edit.problem {
                refusal = problem
            } else if let path = edit.path, edit.naming == .inferred, !scope.allowsInferred(path) {
                refusal =
                    "'\(path)' is not a file of the workspace or the task; head the block with `### FILE: \(path)` to create it"
            }
            let protected = edit.path.map(scope.isProtected) ?? false
            if protected { refusal = "it is an existing test file, and the task does not ask for test changes" }
            if refusal == nil {
                switch await fitExcerpt(edit) {
                case .success(let fitted):
                    if fitted != edit { note += " (merged: the definitions it holds replace the file's)" }
                    edit = fitted
                case .failure(let problem): refusal = problem.message
                }
            }
            let label = "\(edit.label) block"
            guard refusal == nil, let call = edit.toolCall(id: "edit_\(iteration)_\(round)_\(index + 1)") else {
                let reason = refusal ?? "it cannot be applied"
                state.actions.append(
                    ToolAction(summary: label, arguments: "", result: "not applied: \(reason)", isError: true))
                events.publish(
                    TaskEvent(
                        taskID: taskID,
                        kind: .toolCall(
                            iteration: iteration, name: "edit", summary: "\(label): not applied (\(reason))")))
                if !protected, edit.path != nil || edits.count == 1 {
                    failures.append("\(label): not applied: \(reason)")
                }
                continue
            }
            let summary = "\(Self.summary(of: call)) from \(label)\(note)"
            if let stop = countToolCall(name: call.name, summary: summary, spend: spend) {
                state.stop = stop
                return failures
            }
            var outcome = await runTracked(call, state: &state)
            if outcome.isError {
                outcome.content += await state.repeats.note(for: call, outcome: outcome, files: files)
            }
            state.actions.append(
                ToolAction(
                    summary: summary, arguments: Self.editArguments(call),
                    result: ExecutorPrompt.clip(outcome.content, limit: 600), isError: outcome.isError))
            if outcome.isError { failures.append("\(label): \(outcome.content)") }
        }
        return failures
    }

    struct EditProblem: Error { var message: String }

    /// A whole-file block much shorter than the file it names is an excerpt: its definitions are
    /// merged into the file, or the block is refused — written whole, it would delete the rest.
    func fitExcerpt(_ edit: ProposedEdit) async -> Result<ProposedEdit, EditProblem> {
        guard case .write(let content) = edit.change, let path = edit.path, let files,
            let existing = await files.contents(of: [path]).values.first, let current = existing
        else { return .success(edit) }
        let before = Self.nonBlankLines(current)
        let after = Self.nonBlankLines(content)
        guard before >= 12, Double(after) < Double(before) * 0.6 else { return .success(edit) }
        if let merged = SnippetMerge.merge(content, into: current) {
            var fitted = edit
            fitted.change = .write(merged)
            return .success(fitted)
        }
        return .failure(
            EditProblem(
                message: """
                    the block has \(after) lines but \(path) has \(before), so it looks like an excerpt, and its \
                    functions could not be matched to the file's. Send the whole file, only whole functions or classes \
                    (they replace the ones of the same name), or SEARCH/REPLACE blocks
                    """))
    }

    /// An unnamed whole-file block that is plainly one workspace file: a near-complete copy of it,
    /// or whole definitions that only it has.
    func recognise(_ edit: ProposedEdit, scope: EditScope) async -> (edit: ProposedEdit, path: String)? {
        guard case .write(let content) = edit.change, let files, scope.knownPaths.count <= 50 else { return nil }
        let candidates = scope.knownPaths.filter { !scope.isProtected($0) }.sorted()
        var matches: [String] = []
        for (path, text) in await files.contents(of: candidates) {
            guard let text, !text.isEmpty else { continue }
            let copy =
                SnippetMerge.overlap(content, with: text) >= 0.6
                && Double(Self.nonBlankLines(content)) >= Double(Self.nonBlankLines(text)) * 0.6
            if copy || SnippetMerge.merge(content, into: text) != nil { matches.append(path) }
        }
        guard matches.count == 1, let path = matches.first else { return nil }
        var named = edit
        named.path = path
        named.naming = .inferred
        return (named, path)
    }

    static func nonBlankLines(_ text: String) -> Int {
        text.split(separator: "\n").filter { !$0.trimmed.isEmpty }.count
    }

    /// Arguments shown to the judge: the path and size of a written file (its text is in the answer).
    static func editArguments(_ call: ToolCall) -> String {
        guard call.name == "write_file", let content = call.arguments["content"]?.stringValue else {
            return ExecutorPrompt.clip(call.arguments.jsonString, limit: 1200)
        }
        let path = call.arguments["path"]?.stringValue ?? "?"
        return "path: \(path), \(content.split(separator: "\n", omittingEmptySubsequences: false).count) lines"
    }
}

/// Repeated identical calls: the second identical failure of a file edit answers with the file's
/// current text and the advice to write the whole file; a call made three times withdraws tools
/// for the rest of the attempt (the model must answer). The attempt itself only stops on the
/// tool-loop breaker.
struct RepeatedCalls: Sendable {
    private var failures: [String: Int] = [:]
    private var calls: [String: Int] = [:]

    static func signature(_ call: ToolCall) -> String { call.name + call.arguments.jsonString }

    /// Extra text for the model after `call` ran (empty when there is nothing to add).
    mutating func note(for call: ToolCall, outcome: ToolOutcome, files: (any WorkspaceFiles)?) async -> String {
        let key = Self.signature(call)
        calls[key, default: 0] += 1
        guard outcome.isError else {
            return calls[key, default: 0] >= 2
                ? "\n\n[You already made this exact call; its result is the same. Move on.]" : ""
        }
        failures[key, default: 0] += 1
        guard failures[key, default: 0] >= 2 else { return "" }
        guard ToolLoop.fileChangingTools.contains(call.name),
            let path = call.arguments.first("path", "file_path")?.stringValue,
            let files, let current = await files.contents(of: [path]).values.first, let text = current
        else {
            return
                "\n\n[This exact call has now failed \(failures[key, default: 0]) times. Change it, or do without it.]"
        }
        return """


            [This edit failed twice the same way. The current content of \(path) is below; copy lines from \
            it exactly, or write the whole file instead.]
            \(ExecutorPrompt.fenced(path: path, text: ExecutorPrompt.clip(text, limit: 8000)))
            """
    }

    func shouldWithdrawTools(after call: ToolCall) -> Bool { calls[Self.signature(call), default: 0] >= 3 }
}
