import Dispatch
import OpenKoiCore

/// Runs async work from the synchronous `main` (an async `@main` costs a static binary ~45 ms per
/// subcommand, DESIGN.md §4) and turns the first Ctrl-C into cancellation of that work; a second
/// Ctrl-C exits at once.
enum BlockingRunner {
    static func run(_ work: @escaping @Sendable () async -> Int32) -> Int32 {
        let result = LockedValue<Int32>(1)
        let done = DispatchSemaphore(value: 0)
        let task = Task.detached {
            let code = await work()
            result.withLock { $0 = code }
            done.signal()
        }
        let interrupts = LockedValue(0)
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            let count = interrupts.withLock { n -> Int in
                n += 1
                return n
            }
            if count == 1 {
                StandardStreams.err("\ninterrupted: cancelling (Ctrl-C again to quit now)\n")
                task.cancel()
            } else {
                exit(130)
            }
        }
        source.resume()
        done.wait()
        source.cancel()
        return result.value
    }
}

#if canImport(Glibc)
import Glibc
#endif
