/// What recall found for a task before it was planned: lessons and similar past tasks, most
/// relevant first, plus the skills chosen for it. Shown in progress and in the prompts.
public struct Recollection: Sendable, Hashable {
    public struct RecalledLesson: Sendable, Hashable {
        public var id: String
        public var lesson: Lesson
        /// Fused rank score (higher is more relevant), for ordering and progress.
        public var relevance: Double
        public init(id: String, lesson: Lesson, relevance: Double) {
            self.id = id
            self.lesson = lesson
            self.relevance = relevance
        }
    }

    public struct RecalledTask: Sendable, Hashable {
        public var id: String
        public var description: String
        public var score: Double?
        public var iterations: Int
        public var decision: String
        /// The start of what it answered, so the model can reuse an approach.
        public var outcome: String
        public var relevance: Double
        public init(
            id: String, description: String, score: Double?, iterations: Int, decision: String, outcome: String,
            relevance: Double
        ) {
            self.id = id
            self.description = description
            self.score = score
            self.iterations = iterations
            self.decision = decision
            self.outcome = outcome
            self.relevance = relevance
        }
    }

    /// A task skill chosen for this task, with why.
    public struct ChosenSkill: Sendable, Hashable {
        public var name: String
        public var reasons: [String]
        public var body: String
        public init(name: String, reasons: [String], body: String) {
            self.name = name
            self.reasons = reasons
            self.body = body
        }
    }

    public var lessons: [RecalledLesson]
    public var similarTasks: [RecalledTask]
    public var skills: [ChosenSkill]
    /// The task's category (`code`, `sql`, `writing`, … or `general`).
    public var category: String?
    /// How recall ran: "hybrid (local/all-MiniLM-L6-v2)", "keywords only: …".
    public var method: String
    /// Problems that made recall weaker (unreadable store, embedder failure).
    public var notes: [String]

    public init(
        lessons: [RecalledLesson] = [], similarTasks: [RecalledTask] = [], skills: [ChosenSkill] = [],
        category: String? = nil, method: String = "", notes: [String] = []
    ) {
        self.lessons = lessons
        self.similarTasks = similarTasks
        self.skills = skills
        self.category = category
        self.method = method
        self.notes = notes
    }

    public static let none = Recollection()

    public var isEmpty: Bool { lessons.isEmpty && similarTasks.isEmpty && skills.isEmpty }

    /// The prompt section (empty when there is nothing): lessons and past tasks first, skills after,
    /// cut to `budgetCharacters` so a small model's context keeps room for the task.
    public func promptSection(budgetCharacters: Int) -> String {
        var text = ""
        var left = budgetCharacters
        func add(_ line: String) -> Bool {
            guard line.count <= left else { return false }
            text += line
            left -= line.count
            return true
        }
        if !lessons.isEmpty {
            _ = add("\n# Lessons from earlier tasks\n")
            for item in lessons {
                let tag = item.lesson.kind == .antiPattern ? "Avoid: " : ""
                guard add("- \(tag)\(item.lesson.content)\n") else { break }
            }
        }
        if !similarTasks.isEmpty, left > 200 {
            _ = add("\n# Similar earlier tasks\n")
            for task in similarTasks {
                let score = task.score.map { NumberText.fixed($0, decimals: 2) } ?? "unscored"
                var line = "- \"\(Self.clip(task.description, 160))\": \(task.decision), score \(score)"
                line += " after \(task.iterations) iteration(s)"
                if !task.outcome.isEmpty { line += "; answer began: \(Self.clip(task.outcome, 200))" }
                guard add(line + "\n") else { break }
            }
        }
        for skill in skills where left > 200 {
            let header = "\n# Skill: \(skill.name)\n"
            let body = Self.clipLines(skill.body, max(0, left - header.count - 1))
            guard add(header + body + "\n") else { break }
        }
        return text
    }

    /// Keeps a Markdown body's lines: cut at the last line break that fits, and say so.
    static func clipLines(_ text: String, _ limit: Int) -> String {
        let body = text.trimmed
        guard body.count > limit else { return body }
        let marker = "\n[…clipped]"
        let kept = body.prefix(max(0, limit - marker.count))
        let cut = kept.lastIndex(of: "\n").map { kept[..<$0] } ?? kept
        return String(cut) + marker
    }

    /// One line of at most `limit` characters (newlines flattened), ending in "…" when cut.
    public static func clip(_ text: String, _ limit: Int) -> String {
        let flat = text.replacing("\n", with: " ").trimmed
        return flat.count <= limit ? flat : String(flat.prefix(max(0, limit - 1))) + "…"
    }
}
