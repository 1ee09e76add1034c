/// Caps the tasks between intake and final verdict (`maxInFlight`), which is what makes the
/// refine cycle safe (see `BoundedChannel.sendReserved`) and keeps memory bounded under load.
public actor AdmissionGate {
    public nonisolated let limit: Int
    private var inFlight = 0
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextID: UInt64 = 0
    /// Most tasks ever admitted at once.
    public private(set) var highWaterMark = 0

    public init(limit: Int) {
        self.limit = max(1, limit)
    }

    public var current: Int { inFlight }

    /// Waits for a slot; throws `CancellationError` if the waiting task is cancelled.
    public func acquire() async throws {
        while inFlight >= limit {
            try Task.checkCancellation()
            nextID &+= 1
            let id = nextID
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    waiters.append((id, continuation))
                }
            } onCancel: {
                Task { await self.cancelWaiter(id) }
            }
        }
        inFlight += 1
        highWaterMark = max(highWaterMark, inFlight)
    }

    public func release() {
        inFlight = max(0, inFlight - 1)
        if !waiters.isEmpty { waiters.removeFirst().continuation.resume() }
    }

    private func cancelWaiter(_ id: UInt64) {
        if let index = waiters.firstIndex(where: { $0.id == id }) {
            waiters.remove(at: index).continuation.resume(throwing: CancellationError())
        }
    }
}
