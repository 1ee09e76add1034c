import FoundationEssentials
import OpenKoiCore
import OpenKoiMemory

/// A memory database with a usage history in a sandbox's data dir, written through the store.
enum LearnSeed {
    static let proposalName = "summarize-in-bullets"

    static func dataDir(_ sandbox: CLISandbox) -> String { sandbox.openkoiHome + "/data" }
    static func skillsDir(_ sandbox: CLISandbox) -> String { dataDir(sandbox) + "/skills" }

    /// The same writing task on `days` distinct days before `now` (a recurring task, 3 days: 0.75),
    /// mined (unless `mine` is false) with the default `[patterns]` thresholds.
    static func minedStore(in sandbox: CLISandbox, days: Int = 3, now: Date = Date(), mine: Bool = true) async throws
        -> MemoryStore
    {
        try FileManager.default.createDirectory(atPath: dataDir(sandbox), withIntermediateDirectories: true)
        let clock = LockedValue(now)
        let store = MemoryStore(path: dataDir(sandbox) + "/openkoi.db", now: { clock.value })
        for day in 1...days {
            clock.withLock { $0 = now.addingTimeInterval(-Double(day) * 86_400) }
            try await store.recordUsage(
                eventType: .task, channel: "cli",
                description: "Summarize notes/2026-03-0\(day).md in \(day + 2) bullets",
                category: "writing", score: 0.9)
        }
        if mine { _ = try await PatternMiner(store: store, config: PatternsConfig()).mine(now: now) }
        return store
    }

    /// A SKILL.md a model might write for `name`, wrapped as models wrap it: a preamble and a fence,
    /// with a code block of its own inside.
    static func reply(name: String) -> String {
        """
        Here is the skill:

        ```markdown
        \(skill(name: name))```
        """
    }

    static func skill(name: String) -> String {
        """
        ---
        name: \(name)
        description: Summarize a day's notes file into a few bullets.
        kind: task
        metadata:
          categories: ["writing"]
          trigger:
            type: recurring_task
            schedule: "3x/week"
        ---
        # Summarize notes in bullets

        Use this when asked to summarize one notes file as bullets.

        ## Steps
        1. Read the notes file named in the task.
        2. Write the requested number of bullets, most important first.

        ```bash
        wc -l notes/*.md
        ```

        ## Checks
        - Exactly the requested number of bullets.

        """
    }

    /// The `name:` the prompt asks for, read from a chat request's JSON body.
    static func requestedName(in body: String) -> String? {
        guard let start = body.range(of: "name: ")?.upperBound else { return nil }
        let rest = body[start...]
        return String(rest.prefix { $0 != "\\" && $0 != "\"" })
    }
}
