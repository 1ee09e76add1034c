/// A bounded FIFO between pipeline stages. `send` suspends while the channel holds `capacity`
/// elements: that suspension is the pipeline's backpressure.
///
/// A second, priority lane (`sendReserved`) never suspends. It carries the refine edge
/// (Evaluator → Executor): admission control caps tasks in flight, so that lane can never hold more
/// than `maxInFlight` elements, and a cycle that could deadlock on a full inbox is impossible.
public actor BoundedChannel<Element: Sendable> {
    public nonisolated let capacity: Int
    private var buffer: [Element] = []
    private var head = 0
    private var reserved: [Element] = []
    private var reservedHead = 0
    private var closed = false
    private var waitingSenders: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    private var waitingReceivers: [(id: UInt64, continuation: CheckedContinuation<Element?, Never>)] = []
    private var nextWaiterID: UInt64 = 0
    /// Most elements ever buffered at once, both lanes together (saturation tests assert on it).
    public private(set) var highWaterMark = 0

    public struct Closed: Error {}

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    public var count: Int { (buffer.count - head) + (reserved.count - reservedHead) }

    /// Enqueues, suspending while full. Throws `Closed` after `finish()`, `CancellationError` if cancelled while waiting.
    public func send(_ element: Element) async throws {
        while buffer.count - head >= capacity {
            if closed { throw Closed() }
            try Task.checkCancellation()
            let id = newWaiterID()
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    waitingSenders.append((id, continuation))
                }
            } onCancel: {
                Task { await self.cancelSender(id) }
            }
        }
        if closed { throw Closed() }
        if let receiver = popReceiver() {
            receiver.resume(returning: element)
        } else {
            buffer.append(element)
            noteCount()
        }
        // A sender woken for a freed slot may have handed off directly instead of taking the slot:
        // pass the wake-up on, or the next waiting sender would sleep beside an empty buffer.
        wakeSenderIfRoom()
    }

    /// Enqueues on the priority lane without suspending (refine edge only; see the type's comment).
    public func sendReserved(_ element: Element) throws {
        if closed { throw Closed() }
        if let receiver = popReceiver() {
            receiver.resume(returning: element)
        } else {
            reserved.append(element)
            noteCount()
        }
    }

    /// Next element (priority lane first); `nil` once finished and drained, or when cancelled.
    public func receive() async -> Element? {
        if let element = dequeue() { return element }
        if closed || Task.isCancelled { return nil }
        wakeSenderIfRoom()
        let id = newWaiterID()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waitingReceivers.append((id, continuation))
            }
        } onCancel: {
            Task { await self.cancelReceiver(id) }
        }
    }

    /// No more sends; receivers drain what is buffered, then get `nil`.
    public func finish() {
        closed = true
        let receivers = waitingReceivers
        waitingReceivers.removeAll()
        if count == 0 {
            for r in receivers { r.continuation.resume(returning: nil) }
        } else {
            waitingReceivers = receivers
        }
        let senders = waitingSenders
        waitingSenders.removeAll()
        for s in senders { s.continuation.resume(throwing: Closed()) }
    }

    private func dequeue() -> Element? {
        var element: Element?
        if reservedHead < reserved.count {
            element = reserved[reservedHead]
            reservedHead += 1
            if reservedHead > 64, reservedHead * 2 > reserved.count {
                reserved.removeFirst(reservedHead)
                reservedHead = 0
            }
        } else if head < buffer.count {
            element = buffer[head]
            head += 1
            if head > 64, head * 2 > buffer.count {
                buffer.removeFirst(head)
                head = 0
            }
            wakeSenderIfRoom()
        }
        if element != nil, closed, count == 0 {
            let receivers = waitingReceivers
            waitingReceivers.removeAll()
            for r in receivers { r.continuation.resume(returning: nil) }
        }
        return element
    }

    private func wakeSenderIfRoom() {
        if buffer.count - head < capacity, !waitingSenders.isEmpty {
            waitingSenders.removeFirst().continuation.resume()
        }
    }

    private func popReceiver() -> CheckedContinuation<Element?, Never>? {
        waitingReceivers.isEmpty ? nil : waitingReceivers.removeFirst().continuation
    }

    private func noteCount() { highWaterMark = max(highWaterMark, count) }

    private func newWaiterID() -> UInt64 {
        nextWaiterID &+= 1
        return nextWaiterID
    }

    private func cancelSender(_ id: UInt64) {
        if let index = waitingSenders.firstIndex(where: { $0.id == id }) {
            waitingSenders.remove(at: index).continuation.resume(throwing: CancellationError())
        }
    }

    private func cancelReceiver(_ id: UInt64) {
        if let index = waitingReceivers.firstIndex(where: { $0.id == id }) {
            waitingReceivers.remove(at: index).continuation.resume(returning: nil)
        }
    }
}
