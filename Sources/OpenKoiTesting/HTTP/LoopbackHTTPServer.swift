import OpenKoiCore
import OpenKoiProviders
import Synchronization

/// A real HTTP/1.1 server on 127.0.0.1 for tests and benchmarks, answering with scripted responses.
///
/// It binds port 0 (see `port`), serves each connection on its own thread, answers one request per
/// connection (`Connection: close`), records every request, and reports what happens as `events`, so a
/// test can wait for "request 2 arrived" or "the client hung up" instead of sleeping. Always call
/// `shutdown()` — `withLoopbackHTTPServer` does it, also when the test fails.
public final class LoopbackHTTPServer: Sendable {
    public typealias Handler = @Sendable (RecordedRequest) async -> ScriptedResponse

    public let port: Int
    /// In order; finishes at `shutdown()`. Meant for one consumer.
    public let events: AsyncStream<LoopbackServerEvent>
    private let eventSink: AsyncStream<LoopbackServerEvent>.Continuation
    private let handler: Handler
    private let state = Mutex(State())

    private struct State {
        var requests: [RecordedRequest] = []
        var waiters: [Int: (index: Int, continuation: CheckedContinuation<RecordedRequest?, Never>)] = [:]
        var nextID = 0
        /// Sockets a thread is using: shutdown interrupts them, their owners close them.
        var sockets: [Int32: LoopbackSocket] = [:]
        var tasks: [Int: Task<Void, Never>] = [:]
        var isShutDown = false
    }

    /// `http://127.0.0.1:<port>`, without a trailing slash.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts listening at once.
    public init(handler: @escaping Handler) throws {
        let listener = try LoopbackSocket.listening()
        do {
            port = Int(try listener.localPort())
        } catch {
            listener.close()
            throw error
        }
        self.handler = handler
        (events, eventSink) = AsyncStream.makeStream()
        state.withLock { $0.sockets[listener.fd] = listener }
        guard DetachedThread.start({ [self] in acceptLoop(listener) }) else {
            listener.close()
            throw LoopbackHTTPServerError(description: "could not start the accept thread")
        }
    }

    /// Every request received so far, in arrival order.
    public var requests: [RecordedRequest] {
        get async { state.withLock { $0.requests } }
    }

    /// Waits until request number `index` (from 0) has arrived; `nil` if the server shut down or the
    /// waiting task was cancelled first.
    public func waitForRequest(_ index: Int) async -> RecordedRequest? {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready: RecordedRequest?? = state.withLock { state in
                    if index < state.requests.count { return .some(state.requests[index]) }
                    if state.isShutDown || Task.isCancelled { return .some(nil) }
                    state.waiters[id] = (index, continuation)
                    return .none
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume(returning: nil)
        }
    }

    /// Reads `events` up to the first that matches; `nil` if the server shut down first.
    ///
    /// Events before the match are consumed; keep to one reader of `events` at a time.
    @discardableResult
    public func waitForEvent(where matches: (LoopbackServerEvent) -> Bool) async -> LoopbackServerEvent? {
        for await event in events where matches(event) { return event }
        return nil
    }

    /// Closes the listener and every connection, and cancels running handlers. Idempotent.
    public func shutdown() {
        typealias Woken = (waiters: [CheckedContinuation<RecordedRequest?, Never>], tasks: [Task<Void, Never>])
        let (waiters, tasks) = state.withLock { state -> Woken in
            guard !state.isShutDown else { return ([], []) }
            state.isShutDown = true
            for socket in state.sockets.values { socket.interrupt() }
            defer {
                state.waiters = [:]
                state.tasks = [:]
            }
            return (state.waiters.values.map(\.continuation), Array(state.tasks.values))
        }
        for task in tasks { task.cancel() }
        for waiter in waiters { waiter.resume(returning: nil) }
        eventSink.finish()
    }

    /// A port on 127.0.0.1 that nothing listens on: connecting is refused. It stays reserved (bound,
    /// never listening) for the rest of the process: closed at once, the kernel could hand it to the
    /// next test's server while this test still counts on it being closed (a test once found another
    /// test's fake model there). A server started on it by number can still bind it.
    public static func unusedPort() throws -> Int {
        let socket = try LoopbackSocket.reserved()
        let port = Int(try socket.localPort())
        reservedPorts.withLock { $0.append(socket.fd) }
        return port
    }

    private static let reservedPorts = Mutex<[Int32]>([])

    // MARK: - Threads

    private func acceptLoop(_ listener: LoopbackSocket) {
        defer { release(listener) }
        while let client = listener.accept() {
            let admitted = state.withLock { state in
                guard !state.isShutDown else { return false }
                state.sockets[client.fd] = client
                return true
            }
            guard admitted else {
                client.close()
                break
            }
            if !DetachedThread.start({ [self] in serve(client) }) { release(client) }
        }
    }

    private func serve(_ socket: LoopbackSocket) {
        defer { release(socket) }
        let connection = LoopbackConnection(socket: socket)
        guard let incoming = connection.readRequest() else { return }
        let request = record(incoming)
        let handler = handler
        guard let response = runBlocking({ await handler(request) }) else { return }
        let outcome = connection.send(response) { work in _ = startTask(work) }
        let finishedNormally = state.withLock { !$0.isShutDown }
        guard finishedNormally else { return }
        switch outcome {
        case .sent: eventSink.yield(.responseSent(requestIndex: request.index))
        case .clientGone: eventSink.yield(.clientDisconnected(requestIndex: request.index))
        }
    }

    private func record(_ incoming: LoopbackConnection.Incoming) -> RecordedRequest {
        let (request, ready) = state.withLock { state in
            let request = RecordedRequest(
                index: state.requests.count, method: incoming.method, path: incoming.path,
                headers: incoming.headers, body: incoming.body)
            state.requests.append(request)
            let ready = state.waiters.filter { $0.value.index == request.index }
            for id in ready.keys { state.waiters[id] = nil }
            return (request, ready.values.map(\.continuation))
        }
        eventSink.yield(.requestReceived(request))
        for waiter in ready { waiter.resume(returning: request) }
        return request
    }

    /// Runs `work` as a task that `shutdown()` cancels; returns its id, or nil if already shut down.
    private func startTask(
        on executor: ThreadTaskExecutor? = nil, _ work: @escaping @Sendable () async -> Void
    ) -> Int? {
        state.withLock { state in
            guard !state.isShutDown else { return nil }
            state.nextID += 1
            let id = state.nextID
            state.tasks[id] = Task(executorPreference: executor) { [weak self] in
                await work()
                self?.state.withLock { _ = $0.tasks.removeValue(forKey: id) }
            }
            return id
        }
    }

    /// Runs async `work` on the calling connection thread (never a pool thread) and returns its
    /// result; `nil` if the server is shutting down.
    private func runBlocking<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T? {
        let result = BlockingResult<T>()
        let executor = ThreadTaskExecutor()
        let started = startTask(on: executor) {
            result.set(await work())
            executor.wake()
        }
        guard started != nil else { return nil }
        // The thread runs the task's jobs itself until the result is in: no separate wait.
        executor.run(until: { result.value != nil })
        return result.value
    }

    private func release(_ socket: LoopbackSocket) {
        _ = state.withLock { $0.sockets.removeValue(forKey: socket.fd) }
        socket.close()
    }
}

/// Starts a server, runs `body` with it, and shuts it down however `body` ends.
public func withLoopbackHTTPServer<T>(
    handler: @escaping LoopbackHTTPServer.Handler, _ body: (LoopbackHTTPServer) async throws -> T
) async throws -> T {
    let server = try LoopbackHTTPServer(handler: handler)
    defer { server.shutdown() }
    return try await body(server)
}

/// A value handed from a task to the connection thread that runs it (`ThreadTaskExecutor`).
private final class BlockingResult<T: Sendable>: Sendable {
    private let stored = Mutex<T?>(nil)

    func set(_ newValue: T) { stored.withLock { $0 = newValue } }

    var value: T? { stored.withLock { $0 } }
}
