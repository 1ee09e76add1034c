import Foundation
import OpenKoiCore
import OpenKoiTools
import Testing

/// `openkoi status --live` in a real terminal (tmux): it shows the running task, redraws to fit a
/// resized window, and Ctrl-C leaves it with the terminal restored.
struct LiveStatusTests {
    static let tmuxInstalled = FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux")

    /// The pane's output as it is written (tmux `pipe-pane` into a FIFO, read on a thread of its own).
    static func paneOutput(fifo: String) -> AsyncStream<String> {
        AsyncStream { continuation in
            let started = DetachedThread.start {
                let fd = open(fifo, O_RDONLY)
                guard fd >= 0 else { return continuation.finish() }
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let count = read(fd, &buffer, buffer.count)
                    guard count > 0 else { break }
                    continuation.yield(String(decoding: buffer[0..<count], as: UTF8.self))
                }
                close(fd)
                continuation.finish()
            }
            if !started { continuation.finish() }
        }
    }

    /// Reads the pane's output until `text` has appeared in it.
    static func waitFor(_ text: String, in output: inout AsyncStream<String>.Iterator) async -> Bool {
        var seen = ""
        while let chunk = await output.next() {
            seen += chunk
            if seen.contains(text) { return true }
        }
        return false
    }

    @Test(.enabled(if: tmuxInstalled, "tmux is not installed (scripts/install-deps.sh installs it)"))
    func followsARunningTaskFitsAResizedWindowAndRestoresTheTerminal() async throws {
        let sandbox = try CLISandbox()
        try FileManager.default.createDirectory(
            atPath: sandbox.stateDirectory, withIntermediateDirectories: true)
        try """
        {"task_id": "t1", "description": "Write a haiku about rivers and the sea and everything in between",
         "status": "running", "phase": "executing", "iteration": 2, "max_iterations": 3, "current_score": 0.62,
         "best_score": 0.62, "cost_usd": 0.0123, "tokens_used": 1234, "started_at": "2026-12-04T02:00:00Z",
         "elapsed_secs": 14, "last_decision": "continue", "tool_calls": [], "model": "openai/gpt-4.1"}
        """.write(toFile: sandbox.stateDirectory + "/current-task.json", atomically: true, encoding: .utf8)
        let socket = "openkoi-live-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        func tmux(_ arguments: [String]) async throws -> String {
            let result = try await Subprocess(
                .argv(["/usr/bin/tmux", "-L", socket] + arguments), environment: sandbox.baseEnvironment,
                timeout: 30, capture: .separate
            ).run()
            return result.output
        }
        defer { _ = try? FileManager.default.removeItem(atPath: sandbox.root + "/pane.fifo") }
        let fifo = sandbox.root + "/pane.fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        let binary = try OpenKoiBinary.path()
        let statusFile = sandbox.root + "/live.status"
        let command =
            "env OPENKOI_HOME='\(sandbox.openkoiHome)' HOME='\(sandbox.home)' '\(binary)' status --live; "
            + "echo $? > '\(statusFile)'"
        _ = try await tmux(["new-session", "-d", "-s", "live", "-x", "120", "-y", "20", command])
        defer { Task { _ = try? await tmux(["kill-server"]) } }
        _ = try await tmux(["pipe-pane", "-t", "live", "-O", "cat > '\(fifo)'"])
        var output = Self.paneOutput(fifo: fifo).makeAsyncIterator()

        #expect(await Self.waitFor("iteration 2/3", in: &output), "the view never showed the task")
        let screen = try await tmux(["capture-pane", "-p", "-t", "live"])
        #expect(screen.contains("▶ [cli] Write a haiku about rivers and the sea"), "\(screen)")
        #expect(screen.contains("iteration 2/3 · executing · score 0.62 · 1234 tokens · $0.0123"), "\(screen)")

        _ = try await tmux(["resize-window", "-t", "live", "-x", "40"])
        #expect(await Self.waitFor("▶ [cli] Write a haiku about rivers and …", in: &output), "no redraw at 40 columns")
        let narrow = try await tmux(["capture-pane", "-p", "-t", "live"])
        #expect(narrow.split(separator: "\n").allSatisfy { $0.count <= 40 }, "\(narrow)")

        _ = try await tmux(["send-keys", "-t", "live", "C-c"])
        // It leaves the alternate screen and shows the cursor again (a dead pane's cursor flag is always off,
        // so the sequence itself is what is checked).
        #expect(await Self.waitFor("\u{1B}[?1049l\u{1B}[?25h", in: &output), "the terminal was not restored")
        // The pane's output ends when the pane closes, after the shell wrote the exit status.
        while await output.next() != nil {}
        let status = try String(contentsOfFile: statusFile, encoding: .utf8)
        #expect(status == "0\n", "Ctrl-C is a clean exit: \(status)")
    }

    @Test func withoutATerminalItSaysWhatToUseInstead() async throws {
        let sandbox = try CLISandbox()
        let run = try await sandbox.run(["status", "--live"])
        #expect(run.exitCode == 1)
        #expect(run.stderr.contains("status --live needs a terminal"), "\(run.transcript)")
    }
}
