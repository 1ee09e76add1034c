import OpenKoiCore
import OpenKoiMemory
import OpenKoiServer
import Testing

/// Approved patterns run on their schedules: the reference's grammar in UTC, queued once per minute
/// even when two daemons (or a restarted one) tick the same minute.
struct PatternSchedulerTests {
    /// 2025-12-04 09:00 UTC, in minutes since 1970.
    static let nineOClock: Int64 = 1_764_838_800 / 60

    @Test func frequenciesReadAsSchedulesInUTC() {
        #expect(PatternSchedule("hourly") == .hourly)
        #expect(PatternSchedule("daily 09:00") == .daily(minuteOfDay: 540))
        #expect(PatternSchedule("daily around 09:00 UTC") == .daily(minuteOfDay: 540), "the miner's wording")
        #expect(PatternSchedule("every 15m") == .every(minutes: 15))
        for descriptive in ["daily", "3x/week", "weekly", "daily 25:00", "every 0m", "every m", "12x observed"] {
            #expect(PatternSchedule(descriptive) == nil, "\(descriptive)")
        }
        let nine = Self.nineOClock
        #expect(
            PatternSchedule.hourly.isDue(atEpochMinute: nine) && !PatternSchedule.hourly.isDue(atEpochMinute: nine + 1))
        #expect(PatternSchedule.daily(minuteOfDay: 540).isDue(atEpochMinute: nine))
        #expect(!PatternSchedule.daily(minuteOfDay: 540).isDue(atEpochMinute: nine + 1440 - 1))
        #expect(PatternSchedule.every(minutes: 15).isDue(atEpochMinute: nine + 45))
        #expect(!PatternSchedule.every(minutes: 15).isDue(atEpochMinute: nine + 44))
    }

    static func pattern(_ id: String, _ description: String, _ frequency: String, _ status: PatternStatus)
        -> UsagePattern
    {
        UsagePattern(
            id: id, type: .recurringTask, description: description, frequency: frequency, confidence: 0.9,
            sampleCount: 5, status: status)
    }

    @Test(arguments: QueueBackend.available)
    func dueApprovedPatternsAreQueuedOncePerMinute(_ backend: QueueBackend) async throws {
        let scratch = try ServerScratch(backend)
        let patterns = [
            Self.pattern("p1", "Summarise yesterday's failed CI runs", "daily 09:00", .approved),
            Self.pattern("p2", "Tidy the changelog", "every 15m", .approved),
            Self.pattern("p3", "Not approved yet", "hourly", .proposed),
            Self.pattern("p4", "Descriptive only", "daily", .approved),
        ]
        let daemonA = PatternScheduler(queue: TaskQueue(store: scratch.store)) { patterns }
        let daemonB = PatternScheduler(queue: TaskQueue(store: scratch.store)) { patterns }
        let queued = await daemonA.tick(Self.nineOClock)
        #expect(
            Set(queued.map(\.request.description)) == ["Summarise yesterday's failed CI runs", "Tidy the changelog"])
        let again = await daemonB.tick(Self.nineOClock)
        #expect(Set(again.map(\.id)) == Set(queued.map(\.id)), "the other daemon's tick of the minute adds nothing")
        #expect(await daemonA.tick(Self.nineOClock + 1).isEmpty, "nothing is due at 09:01")
        let quarter = await daemonB.tick(Self.nineOClock + 15)
        #expect(quarter.map(\.request.description) == ["Tidy the changelog"])
        let queue = TaskQueue(store: scratch.store)
        #expect(try await queue.health().queued == 3)
    }
}
