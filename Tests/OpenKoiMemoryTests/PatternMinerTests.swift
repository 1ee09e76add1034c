import FoundationEssentials
import OpenKoiCore
import Testing

@testable import OpenKoiMemory

/// A usage history written straight into a temporary database, one task event at a time.
struct UsageHistory {
    /// Monday 2026-03-02 00:00 UTC.
    static let monday = Date(timeIntervalSince1970: 1_772_409_600)
    let dir: TemporaryDirectory
    let store: MemoryStore

    init() throws {
        dir = try TemporaryDirectory()
        store = MemoryStore(path: dir.path + "/openkoi.db")
    }

    static func date(day: Int, hour: Int, minute: Int = 0) -> Date {
        monday.addingTimeInterval(TimeInterval(day * 86_400 + hour * 3600 + minute * 60))
    }

    /// A week after the last day used in these tests, inside the 30-day lookback.
    static let now = date(day: 20, hour: 12)

    func task(_ text: String, category: String?, day: Int, hour: Int, minute: Int = 0) async throws {
        let stamp = Self.date(day: day, hour: hour, minute: minute)
        try await store.read { db throws(StoreError) in
            try MemoryStore.insertUsageEvent(
                db, type: .task, channel: "cli", description: text, category: category, skillsUsed: [], score: 0.9,
                at: stamp)
        }
    }

    func miner(minConfidence: Double = 0.7, minSamples: Int = 3, enabled: Bool = true, hours: Int = 24)
        -> PatternMiner
    {
        PatternMiner(
            store: store,
            config: PatternsConfig(
                enabled: enabled, mineIntervalHours: hours, minConfidence: minConfidence, minSamples: minSamples))
    }

    func rowCount() async throws -> Int64 {
        try await store.read { db throws(StoreError) in try db.scalarInt("SELECT count(*) FROM usage_patterns") ?? -1 }
    }
}

extension PatternMiningReport {
    func only(_ type: PatternType) -> [UsagePattern] { patterns.filter { $0.type == type } }
}

struct PatternMinerTests {
    @Test func aCategoryWithEnoughTasksRecursWithItsShareAsConfidence() async throws {
        let history = try UsageHistory()
        for (day, text) in ["fix the parser", "add a cache", "port the cli", "rename the module"].enumerated() {
            try await history.task(text, category: "code", day: day, hour: 9 + day)
        }
        try await history.task("write the changelog", category: "writing", day: 4, hour: 15)
        let report = try await history.miner().mine(now: UsageHistory.now)
        #expect(report.events == 5)
        let recurring = report.only(.recurring)
        #expect(recurring.map(\.description) == ["code tasks"])
        #expect(recurring.first?.confidence == 0.8)
        #expect(recurring.first?.sampleCount == 4)
        // Monday to Thursday: four distinct weekdays.
        #expect(recurring.first?.frequency == "4x/week")
        #expect(recurring.first?.evidence["category"] == "code")
        #expect(recurring.first?.examples.first == "rename the module")
        #expect(recurring.first?.firstSeen == "2026-03-02T09:00:00Z")
        #expect(recurring.first?.lastSeen == "2026-03-05T12:00:00Z")

        // The thresholds come from the config: more samples, or more confidence, than the data has.
        #expect(try await history.miner(minSamples: 5).mine(now: UsageHistory.now).only(.recurring).isEmpty)
        #expect(try await history.miner(minConfidence: 0.85).mine(now: UsageHistory.now).only(.recurring).isEmpty)
    }

    @Test func aCategoryOnFiveWeekdaysIsDaily() async throws {
        let history = try UsageHistory()
        for day in 0..<5 { try await history.task("review pull request", category: "code", day: day, hour: 10) }
        let recurring = try await history.miner().mine(now: UsageHistory.now).only(.recurring)
        #expect(recurring.first?.frequency == "daily")
        // Five of five: capped below certainty.
        #expect(recurring.first?.confidence == 0.95)
    }

    @Test func anHourWithMoreThanThirtyPercentOfTasksIsAHabit() async throws {
        let history = try UsageHistory()
        for day in 0..<4 { try await history.task("task \(day)", category: nil, day: day, hour: 9) }
        for day in 0..<6 { try await history.task("other \(day)", category: nil, day: day, hour: 13 + day) }
        let timed = try await history.miner(minConfidence: 0.3).mine(now: UsageHistory.now).only(.timeBased)
        #expect(timed.map(\.description) == ["Tasks concentrated at 09:00 UTC"])
        #expect(timed.first?.frequency == "daily around 09:00 UTC")
        #expect(timed.first?.confidence == 0.4)
        #expect(timed.first?.sampleCount == 4)
        #expect(
            try await history.miner(minConfidence: 0.3, minSamples: 5).mine(now: UsageHistory.now)
                .only(.timeBased).isEmpty)
    }

    @Test func thirtyPercentExactlyIsNotAHabit() async throws {
        let history = try UsageHistory()
        for day in 0..<3 { try await history.task("task \(day)", category: nil, day: day, hour: 9) }
        for day in 0..<7 { try await history.task("other \(day)", category: nil, day: day, hour: 13 + day) }
        #expect(try await history.miner(minConfidence: 0.1).mine(now: UsageHistory.now).only(.timeBased).isEmpty)
    }

    @Test func aCategoryFollowedByAnotherWithinHoursIsAWorkflowInTimeOrder() async throws {
        let history = try UsageHistory()
        for day in 0..<3 {
            try await history.task("implement feature \(day)", category: "code", day: day, hour: 10)
            try await history.task("document feature \(day)", category: "writing", day: day, hour: 10, minute: 40)
        }
        let report = try await history.miner().mine(now: UsageHistory.now)
        let workflows = report.only(.workflow)
        // writing → code pairs span a night (more than the 4-hour gap), so only code → writing counts.
        #expect(workflows.map(\.description) == ["code -> writing"])
        #expect(workflows.first?.sampleCount == 3)
        #expect(workflows.first?.frequency == "3x observed")
        // 3 pairs in 6 events: 3 × 2 / 6 = 1, capped.
        #expect(workflows.first?.confidence == 0.95)
        #expect(workflows.first?.evidence["from"] == "code" && workflows.first?.evidence["to"] == "writing")
        // min_samples 4 asks for 4 pairs (and 8 events): not there.
        #expect(try await history.miner(minSamples: 4).mine(now: UsageHistory.now).only(.workflow).isEmpty)
    }

    @Test func workflowConfidenceIsTwiceThePairsShareOfEvents() async throws {
        let history = try UsageHistory()
        for day in 0..<3 {
            try await history.task("implement feature", category: "code", day: day, hour: 10)
            try await history.task("document feature", category: "writing", day: day, hour: 11)
            try await history.task("lunch order", category: "general", day: day, hour: 20)
            try await history.task("read mail", category: nil, day: day, hour: 22)
        }
        let workflows = try await history.miner(minConfidence: 0.5).mine(now: UsageHistory.now).only(.workflow)
        // 12 events, 3 pairs code → writing: 3 × 2 / 12 = 0.5. writing → general is 9 hours apart.
        #expect(workflows.map(\.description) == ["code -> writing"])
        #expect(workflows.first?.confidence == 0.5)
    }

    @Test func theSameTaskOnSeveralDaysRecursWithoutItsNumbersAndPaths() async throws {
        let history = try UsageHistory()
        try await history.task("Summarize notes/2026-03-02.md in 5 bullets", category: "writing", day: 0, hour: 9)
        try await history.task("summarize notes/2026-03-03.md in 3 bullets.", category: "writing", day: 1, hour: 9)
        try await history.task("Summarize notes/2026-03-04.md in 5 bullets", category: "writing", day: 2, hour: 9)
        try await history.task("Summarize notes/2026-03-04.md in 4 bullets", category: "writing", day: 2, hour: 10)
        // Asked four times in one sitting: retries, not a recurrence.
        for minute in 0..<4 {
            try await history.task(
                "Fix test_parser.py failing on line \(40 + minute)", category: "code", day: 3, hour: 14, minute: minute)
        }
        let tasks = try await history.miner().mine(now: UsageHistory.now).only(.recurringTask)
        #expect(tasks.map(\.description) == ["summarize <path> in <n> bullets"])
        // Three distinct days: 3 / (3 + 1).
        #expect(tasks.first?.confidence == 0.75)
        #expect(tasks.first?.sampleCount == 4)
        #expect(tasks.first?.categories == ["writing"])
        #expect(tasks.first?.examples.first == "Summarize notes/2026-03-04.md in 4 bullets")
        #expect(tasks.first?.examples.count == 4)
    }

    @Test func taskShapesKeepTheWordsAndDropWhatChanges() {
        #expect(TaskShape.of("Fix issue #123 in src/app.swift") == "fix issue #<n> in <path>")
        #expect(TaskShape.of("Release v1.2.3 (see https://example.com/x)") == "release v<n> see <url>")
        #expect(TaskShape.of("Update Cargo.toml to 0.4") == "update <path> to <n>")
        #expect(TaskShape.of("Report for 2026-03-01 12:30") == "report for <n>")
        #expect(TaskShape.of("42 17") == nil)
        #expect(TaskShape.of("") == nil)
    }

    @Test func minedPatternsAreUpsertedNotDuplicatedAndKeepTheirFirstSighting() async throws {
        let history = try UsageHistory()
        for day in 0..<3 { try await history.task("review pull request", category: "code", day: day, hour: 10) }
        let first = try await history.miner().mine(now: UsageHistory.now)
        let stored = try await history.rowCount()
        #expect(stored == Int64(first.patterns.count) && stored >= 2)
        try await history.task("review pull request", category: "code", day: 6, hour: 10)
        let second = try await history.miner().mine(now: UsageHistory.now)
        #expect(try await history.rowCount() == stored)
        let code = try #require(second.only(.recurring).first)
        #expect(code.id == first.only(.recurring).first?.id)
        #expect(code.sampleCount == 4)
        #expect(code.firstSeen == "2026-03-02T10:00:00Z" && code.lastSeen == "2026-03-08T10:00:00Z")
        #expect(code.evidence["days"] == 4)
    }

    @Test func aDismissedPatternStaysDismissedWhenMinedAgain() async throws {
        let history = try UsageHistory()
        for day in 0..<3 { try await history.task("review pull request", category: "code", day: day, hour: 10) }
        let report = try await history.miner().mine(now: UsageHistory.now)
        let pattern = try #require(report.only(.recurringTask).first)
        try await history.store.markProposed(patternID: pattern.id, skill: "review-pull-request")
        #expect(try await history.store.pattern(proposing: "review-pull-request")?.status == .proposed)
        #expect(try await history.store.setStatus(.dismissed, forPatternsProposing: "review-pull-request") == 1)

        try await history.task("review pull request", category: "code", day: 4, hour: 10)
        let again = try await history.miner().mine(now: UsageHistory.now)
        let mined = try #require(again.only(.recurringTask).first)
        #expect(mined.id == pattern.id && mined.status == .dismissed && mined.sampleCount == 4)
        #expect(mined.proposedSkill == "review-pull-request")
        let listed = try await history.store.patterns()
        #expect(!listed.contains { $0.id == pattern.id })
        #expect(try await history.store.patterns(includingDismissed: true).contains { $0.id == pattern.id })
    }

    @Test func mineIfDueWaitsForTheIntervalOnTheInjectedClock() async throws {
        let history = try UsageHistory()
        for day in 0..<3 { try await history.task("review pull request", category: "code", day: day, hour: 10) }
        let miner = history.miner(hours: 24)
        let start = UsageHistory.now
        #expect(try await history.store.lastMinedAt() == nil)
        let first = try await miner.mineIfDue(now: start)
        #expect(first?.patterns.isEmpty == false)
        #expect(try await history.store.lastMinedAt() == start)
        #expect(try await miner.mineIfDue(now: start.addingTimeInterval(23 * 3600 + 3599)) == nil)
        // Another process's miner sees the same last run.
        #expect(try await history.miner(hours: 24).mineIfDue(now: start.addingTimeInterval(3600)) == nil)
        #expect(try await miner.mineIfDue(now: start.addingTimeInterval(24 * 3600)) != nil)
        #expect(try await history.store.lastMinedAt() == start.addingTimeInterval(24 * 3600))
        // A clock set back makes it due again rather than never.
        #expect(try await miner.mineIfDue(now: start.addingTimeInterval(-3600)) != nil)
    }

    @Test func disabledMiningWritesNothing() async throws {
        let history = try UsageHistory()
        for day in 0..<3 { try await history.task("review pull request", category: "code", day: day, hour: 10) }
        let miner = history.miner(enabled: false)
        #expect(try await miner.mineIfDue(now: UsageHistory.now) == nil)
        #expect(try await miner.mine(now: UsageHistory.now) == PatternMiningReport())
        #expect(try await history.rowCount() == 0)
        #expect(try await history.store.lastMinedAt() == nil)
    }

    @Test func eventsOutsideTheLookbackAndNonTaskEventsAreNotMined() async throws {
        let history = try UsageHistory()
        for day in 0..<3 { try await history.task("review pull request", category: "code", day: day, hour: 10) }
        let store = MemoryStore(path: history.dir.path + "/openkoi.db", now: { UsageHistory.date(day: 5, hour: 8) })
        for _ in 0..<5 {
            try await store.recordUsage(eventType: .command, channel: "cli", description: "learn list")
        }
        let late = UsageHistory.date(day: 1, hour: 10).addingTimeInterval(30 * 86_400 + 1)
        let report = try await history.miner().mine(now: late)
        // Two of the three tasks left the 30-day window; the commands are usage, not tasks.
        #expect(report.events == 1 && report.patterns.isEmpty)
        let commands = try await store.read { db throws(StoreError) in
            try db.prepare(
                "SELECT channel, description, day, hour, day_of_week, skills_used FROM usage_events WHERE event_type = 'command'"
            )
            .rows { ($0.text(0), $0.text(1), $0.text(2), $0.int(3), $0.int(4), $0.text(5)) }
        }
        #expect(commands.count == 5)
        #expect(commands.first.map { $0 == ("cli", "learn list", "2026-03-07", 8, 5, "[]") } == true)
    }
}
