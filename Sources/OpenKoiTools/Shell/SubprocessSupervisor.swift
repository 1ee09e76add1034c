import Glibc
import OpenKoiCore
import Synchronization

struct SupervisionLimits: Sendable {
    var timeout: Double?
    var killGracePeriod: Double
    var outputLimit: Int
    var spillPath: String?
}

/// The bridge between a cancelled Swift task and the supervising thread blocked in `poll`.
///
/// `requestCancel` may run on any thread at any time, also after the supervisor finished; the mutex
/// makes "write one byte to the wake pipe" and "close the wake pipe" exclusive, so a late cancel never
/// writes to a closed (or reused) descriptor.
final class SubprocessControl: Sendable {
    private struct State {
        var wakeRead: Int32
        var wakeWrite: Int32
        var isOpen = true
        var cancelRequested = false
    }

    private let state: Mutex<State>
    let wakeFD: Int32

    init() throws(SubprocessError) {
        let wake = try SubprocessSpawner.makePipe()
        _ = fcntl(wake.read, F_SETFL, fcntl(wake.read, F_GETFL) | O_NONBLOCK)
        _ = fcntl(wake.write, F_SETFL, fcntl(wake.write, F_GETFL) | O_NONBLOCK)
        wakeFD = wake.read
        state = Mutex(State(wakeRead: wake.read, wakeWrite: wake.write))
    }

    func requestCancel() {
        state.withLock { state in
            state.cancelRequested = true
            guard state.isOpen else { return }
            var byte: UInt8 = 1
            // A full pipe (EAGAIN) already holds a wake-up, so the result does not matter.
            _ = write(state.wakeWrite, &byte, 1)
        }
    }

    var cancelRequested: Bool { state.withLock { $0.cancelRequested } }

    func drainWakeups() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(wakeFD, &buffer, buffer.count) > 0 {}
    }

    func close() {
        state.withLock { state in
            guard state.isOpen else { return }
            state.isOpen = false
            Glibc.close(state.wakeWrite)
            Glibc.close(state.wakeRead)
        }
    }
}

/// Runs on a dedicated thread: reads the child's pipes, enforces the timeout and cancellation, reaps it.
struct SubprocessSupervisor {
    let child: SpawnedChild
    let control: SubprocessControl
    let limits: SupervisionLimits

    /// How often to check whether the leader exited while background children still hold the pipes open.
    private static let reapInterval: Duration = .milliseconds(100)
    /// How long to keep reading after the leader and its group are gone (a `setsid` escapee may hold a pipe).
    private static let drainAfterExit: Duration = .seconds(1)

    func superviseToExit() -> SubprocessResult {
        let clock = ContinuousClock()
        let pid = child.pid
        var stdout = CapturedOutput(limit: limits.outputLimit, spillPath: limits.spillPath)
        var stderr = CapturedOutput(limit: limits.outputLimit)
        var stdoutFD: Int32? = child.stdoutFD
        var stderrFD: Int32? = child.stderrFD
        let deadline = Self.seconds(limits.timeout).map { clock.now + $0 }
        let grace = Self.seconds(limits.killGracePeriod) ?? .zero
        var killAt: ContinuousClock.Instant?
        var stopReadingAt: ContinuousClock.Instant?
        var waitStatus: Int32?
        var timedOut = false
        var cancelled = false
        var groups = ProcessGroups(leader: pid)

        func beginTermination() {
            groups.signal(SIGTERM)
            killAt = clock.now + grace
        }

        func reapIfExited() {
            var status: Int32 = 0
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid {
                waitStatus = status
            } else if reaped == -1, errno == ECHILD {
                // Someone else reaped it (SIGCHLD set to SIG_IGN elsewhere): the status is lost.
                waitStatus = -1
            } else {
                return
            }
            // Background processes the command left behind must not outlive the call.
            if groups.signal(SIGTERM) {
                killAt = killAt ?? clock.now + grace
                stopReadingAt = (killAt ?? clock.now) + Self.drainAfterExit
            } else {
                stopReadingAt = clock.now + Self.drainAfterExit
            }
        }

        while true {
            if waitStatus == nil { reapIfExited() }
            if waitStatus != nil {
                if stdoutFD == nil && stderrFD == nil { break }
                if let stop = stopReadingAt, clock.now >= stop { break }
            }

            let now = clock.now
            var wait = waitStatus == nil ? Self.reapInterval : max(.zero, (stopReadingAt ?? now) - now)
            if let deadline, !timedOut, !cancelled { wait = min(wait, max(.zero, deadline - now)) }
            if let killAt { wait = min(wait, max(.zero, killAt - now)) }

            var fds: [pollfd] = [pollfd(fd: control.wakeFD, events: Int16(POLLIN), revents: 0)]
            if let stdoutFD { fds.append(pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)) }
            if let stderrFD { fds.append(pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)) }
            _ = poll(&fds, nfds_t(fds.count), Self.milliseconds(wait))

            for entry in fds.dropFirst() where entry.revents != 0 {
                if entry.fd == stdoutFD, !Self.readAvailable(entry.fd, into: &stdout) {
                    close(entry.fd)
                    stdoutFD = nil
                } else if entry.fd == stderrFD, !Self.readAvailable(entry.fd, into: &stderr) {
                    close(entry.fd)
                    stderrFD = nil
                }
            }
            if fds[0].revents != 0 { control.drainWakeups() }

            if control.cancelRequested, !cancelled {
                cancelled = true
                if waitStatus == nil {
                    beginTermination()
                } else {
                    // Only stragglers are left and the caller has gone: no grace period.
                    groups.signal(SIGKILL)
                    break
                }
            }
            if let deadline, !timedOut, !cancelled, waitStatus == nil, clock.now >= deadline {
                timedOut = true
                beginTermination()
            }
            if let due = killAt, clock.now >= due {
                groups.signal(SIGKILL)
                killAt = nil
                if waitStatus != nil {
                    stopReadingAt = min(stopReadingAt ?? clock.now, clock.now + Self.drainAfterExit)
                }
            }
        }

        // Leaving before the grace period ended (the pipes closed): what was told to stop is killed
        // now, or a sandbox that ignored SIGTERM would outlive the call.
        if killAt != nil, groups.sawChildren { groups.signal(SIGKILL) }
        if let stdoutFD { close(stdoutFD) }
        if let stderrFD { close(stderrFD) }
        control.close()

        stdout.trim()
        stderr.trim()
        stdout.close()
        let status = waitStatus ?? -1
        var exitCode: Int32 = -1
        var signal: Int32?
        if status >= 0 {
            let low = status & 0x7f
            if low == 0 {
                exitCode = (status >> 8) & 0xff
            } else {
                signal = low
                exitCode = 128 + low
            }
        }
        var result = SubprocessResult(
            pid: pid, exitCode: exitCode, terminatingSignal: signal, timedOut: timedOut, cancelled: cancelled,
            output: stdout.text, errorOutput: stderr.text, droppedBytes: stdout.droppedBytes + stderr.droppedBytes)
        if stdout.spilled { result.savedOutputPath = stdout.spillPath }
        result.saveFailure = stdout.spillFailure
        return result
    }

    /// Reads until the pipe would block; false at end-of-file or on an error (the caller closes it).
    private static func readAvailable(_ fd: Int32, into output: inout CapturedOutput) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                buffer.withUnsafeBytes { output.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            } else if count == 0 {
                return false
            } else if errno == EINTR {
                continue
            } else {
                return errno == EAGAIN || errno == EWOULDBLOCK
            }
        }
    }

    /// A usable duration, or nil for "no limit" (nil, zero, negative, NaN, or beyond any real run).
    private static func seconds(_ value: Double?) -> Duration? {
        guard let value, value.isFinite, value > 0 else { return nil }
        return .seconds(min(value, 1e9))
    }

    /// Rounded up, so a wait never ends just before a deadline and spins.
    private static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        if seconds >= Int64(Int32.max / 1000) { return Int32.max }
        let millis = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(max(0, millis))
    }
}
