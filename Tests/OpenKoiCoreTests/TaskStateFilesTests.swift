import FoundationEssentials
import Glibc
import OpenKoiCore
import Testing

struct TaskStateFilesTests {
    func temporaryDirectory() throws -> String {
        var template = Array("/tmp/openkoi-state-XXXXXX".utf8CString)
        let path = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
        return String(cString: try #require(path))
    }

    func entry(_ n: Int) -> TaskStateFiles.HistoryEntry {
        TaskStateFiles.HistoryEntry(
            task_id: "t\(n)", description: "task \(n)", iterations: 1, total_tokens: n, cost_usd: 0, final_score: 0.5,
            decision: "accept", status: "accepted", completed_at: "2026-11-25T00:00:00Z")
    }

    @Test func historyRotatesToTheLastFiveHundredLines() throws {
        let directory = try temporaryDirectory()
        let files = TaskStateFiles(stateDirectory: directory + "/state")
        for n in 0..<1001 { try files.appendHistory(entry(n)) }
        let history = files.readHistory()
        // At 1000 lines the next append first cuts to the last 500, then adds its own.
        #expect(history.count == 501)
        #expect(history.first?.task_id == "t500")
        #expect(history.last?.task_id == "t1000")
    }

    @Test func historyRotatesWhenOverOneMebibyte() throws {
        let directory = try temporaryDirectory()
        var files = TaskStateFiles(stateDirectory: directory)
        files.maxBytes = 2000
        files.keepLines = 5
        for n in 0..<40 { try files.appendHistory(entry(n)) }
        let history = files.readHistory()
        #expect(history.count < 20)
        #expect(history.last?.task_id == "t39")
    }

    @Test func concurrentAppendsLoseNothing() async throws {
        let directory = try temporaryDirectory()
        let files = TaskStateFiles(stateDirectory: directory)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    for n in 0..<25 { try files.appendHistory(entry(writer * 100 + n)) }
                }
            }
            try await group.waitForAll()
        }
        let ids = files.readHistory().map(\.task_id)
        #expect(ids.count == 200)
        #expect(Set(ids).count == 200)
    }

    @Test func concurrentAppendsAcrossRotationsKeepTheNewest() async throws {
        let directory = try temporaryDirectory()
        var files = TaskStateFiles(stateDirectory: directory)
        files.maxLines = 30
        files.keepLines = 10
        let shared = files
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    for n in 0..<40 { try shared.appendHistory(entry(writer * 100 + n)) }
                }
            }
            try await group.waitForAll()
        }
        let history = files.readHistory()
        #expect(history.count <= 30)
        #expect(history.count >= 10)
        #expect(Set(history.map(\.task_id)).count == history.count, "no duplicated or torn lines")
    }

    @Test func filesAreWrittenOwnerOnly() throws {
        let directory = try temporaryDirectory()
        let files = TaskStateFiles(stateDirectory: directory)
        let state = TaskStateFiles.CurrentTask(
            task_id: "t", description: "d", status: "running", phase: "executing", iteration: 1, max_iterations: 3,
            current_score: nil, best_score: nil, cost_usd: 0, tokens_used: 0, started_at: "x", elapsed_secs: 0,
            last_decision: "pending", tool_calls: [], model: "m")
        try files.writeCurrent(state)
        var info = stat()
        #expect(stat(files.currentTaskPath, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        files.clearCurrent()
        #expect(access(files.currentTaskPath, F_OK) != 0)
    }

    @Test func recorderWritesCurrentStateThenHistoryOnFinish() async throws {
        let directory = try temporaryDirectory()
        let files = TaskStateFiles(stateDirectory: directory)
        let recorder = TaskStateRecorder(files: files, tracksCurrentTask: true, onError: { _ in })
        let (events, input) = AsyncStream<TaskEvent>.makeStream()
        input.yield(TaskEvent(taskID: "t1", kind: .queued(description: "hello", model: "m/x", maxIterations: 3)))
        input.yield(TaskEvent(taskID: "t1", kind: .iterationStarted(iteration: 1, maxIterations: 3)))
        input.finish()
        await recorder.record(events)
        let data = try #require(FileManager.default.contents(atPath: files.currentTaskPath))
        let current = try JSONDecoder().decode(TaskStateFiles.CurrentTask.self, from: data)
        #expect(current.phase == "executing")
        #expect(current.iteration == 1)

        let (more, input2) = AsyncStream<TaskEvent>.makeStream()
        let result = TaskResult(
            taskID: "t1", description: "hello", output: "hi", score: 0.9, iterations: 1, bestIteration: 1,
            decision: .accept,
            usage: TokenUsage(inputTokens: 3, outputTokens: 4), costUSD: 0, durationMS: 5, error: nil, findings: [],
            model: "m/x")
        input2.yield(TaskEvent(taskID: "t1", kind: .finished(result)))
        input2.finish()
        await recorder.record(more)
        #expect(access(files.currentTaskPath, F_OK) != 0)
        #expect(files.readHistory().map(\.task_id) == ["t1"])
        #expect(files.readHistory().first?.total_tokens == 7)
    }
}

struct AtomicFileTests {
    @Test func writesEmptyAndReplacesExistingFiles() throws {
        var template = Array("/tmp/openkoi-atomic-XXXXXX".utf8CString)
        let directory = String(
            cString: try #require(template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }))
        let path = directory + "/nested/dir/file.txt"
        try AtomicFile.makeDirectories(directory + "/nested/dir")
        try AtomicFile.write("first", to: path)
        try AtomicFile.write(Data(), to: path)
        #expect(FileManager.default.contents(atPath: path) == Data())
        try AtomicFile.write("second", to: path)
        #expect(FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } == "second")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory + "/nested/dir")
        #expect(leftovers == ["file.txt"], "no temp files left behind")
    }
}
