import OpenKoiCore
import Testing

@testable import OpenKoiServer

/// Several daemons on one PostgreSQL queue (`[daemon] queue = "postgres://…"`): each task claimed
/// once however the claims interleave, and one daemon's commits wake the others.
@Suite(.enabled(if: QueueBackend.postgresServer != nil, "needs the PostgreSQL server scripts/test.sh starts"))
struct SharedQueueTests {
    @Test func twoDaemonsClaimingAtOnceTakeEachTaskExactlyOnce() async throws {
        let scratch = try ServerScratch(.postgres)
        let first = TaskQueue(store: scratch.store)
        let second = TaskQueue(store: scratch.store)
        var ids: Set<String> = []
        for n in 0..<40 {
            guard case .created(let task) = try await first.enqueue(TaskRequest(description: "task \(n)")) else {
                Issue.record("expected a new task")
                return
            }
            ids.insert(task.id)
        }
        func drain(_ queue: TaskQueue, owner: String) async throws -> [String] {
            var taken: [String] = []
            while let claim = try await queue.claim(owner: owner, leaseMS: 60_000) { taken.append(claim.task.id) }
            return taken
        }
        async let a = drain(first, owner: "A")
        async let b = drain(second, owner: "B")
        let (takenByA, takenByB) = try await (a, b)
        #expect(takenByA.count + takenByB.count == 40, "A took \(takenByA.count), B \(takenByB.count)")
        #expect(Set(takenByA).isDisjoint(with: takenByB), "no task claimed by both")
        #expect(Set(takenByA + takenByB) == ids)
        #expect(try await second.health().running == 40)
    }

    /// A cancel requested through one daemon reaches the worker of another at once: the wake-up can
    /// only come through the database's NOTIFY (the two queues share nothing in this process).
    @Test func aCancelThroughOneDaemonWakesTheOthersWorker() async throws {
        let scratch = try ServerScratch(.postgres)
        let api = TaskQueue(store: scratch.store)
        let worker = TaskQueue(store: scratch.store)
        try await worker.open()
        guard case .created(let task) = try await api.enqueue(TaskRequest(description: "long task")) else {
            Issue.record("expected a new task")
            return
        }
        let claim = try #require(try await worker.claim(owner: "worker", leaseMS: 60_000))
        let key = TaskQueue.cancelKey(task.id)
        let seen = worker.signal.generation(key)
        _ = try await api.requestCancel(id: task.id)
        await worker.signal.wait(key, since: seen, timeoutMS: 30_000)
        #expect(worker.signal.generation(key) > seen, "woken by the other daemon's NOTIFY")
        #expect(try await worker.renew(claim, leaseMS: 60_000).cancelRequested)
        await worker.close()
    }

    /// The same request with one Idempotency-Key sent to two daemons at once (a client retrying
    /// through another host) makes one task: the second daemon's insert waits for the first's
    /// commit and answers with its task.
    @Test func oneKeyPostedToTwoDaemonsAtOnceMakesOneTask() async throws {
        let scratch = try ServerScratch(.postgres)
        let queues = [TaskQueue(store: scratch.store), TaskQueue(store: scratch.store)]
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for n in 0..<16 {
                group.addTask {
                    switch try await queues[n % 2].enqueue(TaskRequest(description: "pay once"), idempotencyKey: "k") {
                    case .created(let task), .replayed(let task): return task.id
                    }
                }
            }
            var ids: [String] = []
            for try await id in group { ids.append(id) }
            return ids
        }
        #expect(ids.count == 16 && Set(ids).count == 1, "\(Set(ids))")
        let listed = try await queues[0].list(status: nil, limit: 100, after: nil)
        #expect(listed.tasks.map(\.id) == [ids[0]])
    }

    @Test func storesParseFromTheSettingAndHideThePassword() {
        #expect(TaskQueue.Store(setting: "sqlite", sqlitePath: "/d/openkoi.db") == .sqlite(path: "/d/openkoi.db"))
        let store = TaskQueue.Store(setting: "postgres://queue:s3cret@db.example:5432/openkoi", sqlitePath: "")
        #expect(store == .postgres(url: "postgres://queue:s3cret@db.example:5432/openkoi"))
        #expect(store.shown == "postgres://queue:***@db.example:5432/openkoi")
        #expect(TaskQueue.Store.postgres(url: "postgres://queue@db/openkoi").shown == "postgres://queue@db/openkoi")
    }

    @Test func anUnreachableServerIsNamedWithoutItsPassword() async throws {
        let queue = TaskQueue(store: .postgres(url: "postgres://queue:s3cret@127.0.0.1:1/openkoi"))
        let error = await #expect(throws: (any Error).self) { _ = try await queue.health() }
        let text = "\(error.map { "\($0)" } ?? "")"
        #expect(text.contains("postgres://queue:***@127.0.0.1:1/openkoi") && text.contains("cannot connect"), "\(text)")
        #expect(!text.contains("s3cret"))
    }
}
