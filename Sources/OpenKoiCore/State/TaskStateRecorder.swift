import FoundationEssentials
/// Keeps the state files in step with a task's events. Runs as an event-bus observer, so slow disk
/// never holds up a stage; it subscribes losslessly because history must not miss a task.
public struct TaskStateRecorder: Sendable {
    public let files: TaskStateFiles
    /// Batch runs record history only: one current-task file cannot describe many tasks.
    public let tracksCurrentTask: Bool
    /// Where write failures are reported (they never stop a task).
    public let onError: @Sendable (String) -> Void

    public init(files: TaskStateFiles, tracksCurrentTask: Bool, onError: @escaping @Sendable (String) -> Void) {
        self.files = files
        self.tracksCurrentTask = tracksCurrentTask
        self.onError = onError
    }

    /// Consumes events until the stream ends.
    public func record(_ events: AsyncStream<TaskEvent>) async {
        var current: [String: TaskStateFiles.CurrentTask] = [:]
        var started: [String: ContinuousClock.Instant] = [:]
        for await event in events {
            let id = event.taskID
            if case .finished(let result) = event.kind {
                current[id] = nil
                started[id] = nil
                if tracksCurrentTask { files.clearCurrent() }
                let entry = TaskStateFiles.HistoryEntry(
                    task_id: id, description: result.description, iterations: result.iterations,
                    total_tokens: result.usage.total, cost_usd: result.costUSD, final_score: result.score,
                    decision: result.decision.rawValue, status: result.status.rawValue,
                    completed_at: Date().ISO8601Format())
                do { try files.appendHistory(entry) } catch { onError("\(error)") }
                continue
            }
            guard tracksCurrentTask else { continue }
            if case .queued(let description, let model, let maxIterations) = event.kind {
                started[id] = .now
                current[id] = TaskStateFiles.CurrentTask(
                    task_id: id, description: description, status: "pending", phase: "plan", iteration: 0,
                    max_iterations: maxIterations, current_score: nil, best_score: nil, cost_usd: 0, tokens_used: 0,
                    started_at: Date().ISO8601Format(), elapsed_secs: 0, last_decision: "pending", tool_calls: [],
                    model: model)
            }
            guard var state = current[id] else { continue }
            switch event.kind {
            case .outputDelta: continue  // per token: far too often to rewrite a file
            case .planning: state.phase = "plan"
            case .planReady: state.phase = "planned"
            case .iterationStarted(let iteration, let max):
                state.status = "running"
                state.phase = "executing"
                state.iteration = iteration
                state.max_iterations = max
            case .toolCall(_, _, let summary):
                if !state.tool_calls.contains(summary) { state.tool_calls.append(summary) }
            case .usage(_, let usage, let cost):
                state.tokens_used = usage.total
                state.cost_usd = cost
            case .evaluating: state.phase = "evaluating"
            case .decided(_, let score, let decision, _, _):
                state.phase = "evaluated"
                state.current_score = score
                if let score { state.best_score = max(state.best_score ?? score, score) }
                state.last_decision = decision.rawValue
            case .toolLoopWarning: state.phase = "safety_warning"
            case .retrying: state.phase = "retrying"
            default: break
            }
            if let start = started[id] {
                let elapsed = start.duration(to: .now)
                state.elapsed_secs = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            }
            current[id] = state
            do { try files.writeCurrent(state) } catch { onError("\(error)") }
        }
    }
}
