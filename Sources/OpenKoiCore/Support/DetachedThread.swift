#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Starts detached POSIX threads for blocking work: the one thread launcher (curl transfers, the
/// tools' `DedicatedThread`, the loopback test server).
///
/// A blocking call (`curl` driving a transfer, a socket `accept`, `poll` on a child's pipes) must not
/// sit on Swift's cooperative pool, which has one thread per core: two such calls would stall every
/// task in the process.
package enum DetachedThread {
    /// Runs `body` on a new detached thread. Returns false if the system refused to create one.
    package static func start(_ body: @escaping @Sendable () -> Void) -> Bool {
        let box = Unmanaged.passRetained(ThreadBody(body: body))
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        #if canImport(Darwin)
            var thread: pthread_t?
        #else
            var thread = pthread_t()
        #endif
        let result = pthread_create(
            &thread, &attributes,
            { argument in
                guard let argument else { return nil }
                let body = Unmanaged<ThreadBody>.fromOpaque(argument).takeRetainedValue()
                body.run()
                return nil
            }, box.toOpaque())
        if result != 0 {
            box.release()
            return false
        }
        return true
    }
}

private final class ThreadBody {
    let run: @Sendable () -> Void

    init(body: @escaping @Sendable () -> Void) {
        run = body
    }
}
