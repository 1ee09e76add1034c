import OpenKoiCore
import OpenKoiMemory

#if canImport(Glibc)
    import Glibc
#endif

/// `LISTEN`s on the shared queue's channel on a thread of its own (libpq blocks) and turns each
/// notification another daemon's commit sent into a wake-up of this process's `EventSignal`. A lost
/// connection is opened again; workers and streams also look again on their poll interval, so a
/// notification missed meanwhile delays, never loses, work.
final class PostgresListener: Sendable {
    private let stopped = LockedValue(false)

    init(url: String, channel: String, signal: EventSignal) {
        let stopped = self.stopped
        _ = DetachedThread.start {
            var backoffMS: Int32 = 100
            while !stopped.value {
                do {
                    let connection = try PostgresConnection(url: url)
                    try connection.execute("LISTEN \(channel)")
                    backoffMS = 100
                    // Whatever changed while nobody listened: wake everyone to look again.
                    signal.notify(TaskQueue.queuedKey)
                    while !stopped.value {
                        var descriptor = pollfd(fd: connection.socket, events: Int16(POLLIN), revents: 0)
                        // Wakes at least every 250 ms to notice `stop()`.
                        guard poll(&descriptor, 1, 250) >= 0 || errno == EINTR else { break }
                        for key in try connection.notifications() { signal.notify(key) }
                    }
                } catch {
                    DaemonLog.warning("queue notifications: \(error); reconnecting")
                    var none = pollfd(fd: -1, events: 0, revents: 0)
                    _ = poll(&none, 0, backoffMS)
                    backoffMS = min(backoffMS * 2, 5_000)
                }
            }
        }
    }

    func stop() { stopped.withLock { $0 = true } }
}
