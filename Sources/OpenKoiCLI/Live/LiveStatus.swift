import Dispatch
import FoundationEssentials
import OpenKoiCore

#if canImport(Glibc)
    import Glibc
#endif

/// `openkoi status --live`: redraws the snapshot each second (and at once on a resize) on the
/// terminal's alternate screen; Ctrl-C (or SIGTERM) leaves it, restoring the cursor and the screen.
enum LiveStatus {
    static func run(session: Session) throws {
        guard isatty(1) == 1 else {
            throw CLIError(
                "status --live needs a terminal; use `openkoi daemon status --json` or `openkoi status` in scripts")
        }
        let redraw = DispatchSemaphore(value: 0)
        let stop = LockedValue(false)
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM, SIGHUP, SIGWINCH] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                if signalNumber != SIGWINCH { stop.withLock { $0 = true } }
                redraw.signal()
            }
            source.resume()
            sources.append(source)
        }
        StandardStreams.out("\u{1B}[?1049h\u{1B}[?25l")
        defer {
            for source in sources { source.cancel() }
            StandardStreams.out("\u{1B}[?1049l\u{1B}[?25h")
        }
        while !stop.value {
            let snapshot = gather(session)
            let lines = LiveView.lines(snapshot, width: terminalWidth(), clock: Self.clock())
            // Home, each line cleared to its end, then everything below: no flicker, no leftovers.
            StandardStreams.out("\u{1B}[H" + lines.map { $0 + "\u{1B}[K" }.joined(separator: "\r\n") + "\u{1B}[J")
            _ = redraw.wait(timeout: .now() + 1)
        }
    }

    /// The snapshot, read off the main thread (BlockingRunner would also take over Ctrl-C, which
    /// here must only end the view).
    static func gather(_ session: Session) -> LiveSnapshot {
        let result = LockedValue<LiveSnapshot?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            let snapshot = await LiveSnapshot.gather(session: session)
            result.withLock { $0 = snapshot }
            done.signal()
        }
        done.wait()
        return result.value ?? LiveSnapshot()
    }

    static func terminalWidth() -> Int {
        var size = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }

    static func clock() -> String {
        let seconds = Int(Date().timeIntervalSince1970) % 86_400
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(two(seconds / 3600)):\(two(seconds % 3600 / 60)):\(two(seconds % 60)) UTC"
    }
}
