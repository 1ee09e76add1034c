import Dispatch
import OpenKoiCore

/// Runs async work from the synchronous `main` (an async `@main` costs a static binary ~45 ms per
/// subcommand, DESIGN.md §4) and turns the first interrupt into cancellation of that work.
enum BlockingRunner {
    static func run<Value: Sendable>(_ work: @escaping @Sendable () async -> Value) -> Value {
        let result = LockedValue<Value?>(nil)
        let done = DispatchSemaphore(value: 0)
        let task = Task.detached {
            let value = await work()
            result.withLock { $0 = value }
            done.signal()
        }
        // SIGINT (Ctrl-C), SIGTERM (CI timeouts, `kill`) and SIGHUP (closed terminal) all cancel the work,
        // which aborts the model call and kills tool process groups; a second signal exits at once.
        let interrupts = LockedValue(0)
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                let count = interrupts.withLock { n -> Int in
                    n += 1
                    return n
                }
                if count == 1 {
                    StandardStreams.err("\ninterrupted: cancelling (interrupt again to quit now)\n")
                    task.cancel()
                } else {
                    exit(130)
                }
            }
            source.resume()
            sources.append(source)
        }
        done.wait()
        for source in sources { source.cancel() }
        guard let value = result.value else { preconditionFailure("the work signalled without a value") }
        return value
    }
}

#if canImport(Glibc)
    import Glibc
#endif
