import OpenKoiCore
import OpenKoiTesting
import Testing

/// Memory around the loop: recall before planning reaches the prompts, and the finished task with
/// its iterations and rule lessons reaches the learner after the result.
struct PipelineMemoryTests {
    actor RecordingMemory: TaskMemory {
        let recollection: Recollection
        private(set) var recalled: [String] = []
        private(set) var outcomes: [TaskOutcome] = []

        init(_ recollection: Recollection) { self.recollection = recollection }

        func recall(for task: TaskSpec) async -> Recollection {
            recalled.append(task.description)
            return recollection
        }

        func learn(from outcome: TaskOutcome) async -> LearningReport {
            outcomes.append(outcome)
            return LearningReport(added: outcome.lessons.map(\.content))
        }
    }

    static let lesson = Lesson(
        kind: .antiPattern, content: "Never divide the totals before rounding them", confidence: 0.8)

    @Test func recalledLessonsReachThePlanAndEveryExecutorCallAndTheOutcomeReachesMemory() async {
        let memory = RecordingMemory(
            Recollection(
                lessons: [.init(id: "L1", lesson: Self.lesson, relevance: 0.03)],
                similarTasks: [
                    .init(
                        id: "T0", description: "Fix the rounding in invoice totals", score: 0.9, iterations: 2,
                        decision: "accept", outcome: "round once at the end", relevance: 0.02)
                ], category: "code", method: "keywords"))
        let executor = ScriptedModel(replies: [.text("first try"), .text("second try")])
        var harness = PipelineHarness(
            executor: executor,
            judge: ScriptedModel(replies: [
                .verdict(["quality": 0.5], findings: [("important", "Totals are rounded twice")]),
                .verdict(["quality": 0.9]),
            ]))
        harness.memory = memory
        let (result, events) = await harness.run(
            TaskSpec(description: "Fix the totals in src/app.py", policy: policy(3)))
        #expect(result.decision == .accept)
        #expect(await memory.recalled == ["Fix the totals in src/app.py"])

        let plannerPrompt = harness.planner.requests.first?.messages.first?.content ?? ""
        #expect(
            plannerPrompt.contains(
                "# Lessons from earlier tasks\n- Avoid: Never divide the totals before rounding them"))
        #expect(executor.requests.count == 2)
        for request in executor.requests {
            #expect(request.system?.contains("Avoid: Never divide the totals before rounding them") == true)
            #expect(request.system?.contains("\"Fix the rounding in invoice totals\": accept, score 0.90") == true)
        }

        let outcomes = await memory.outcomes
        #expect(outcomes.count == 1)
        #expect(outcomes.first?.iterations.map(\.score) == [0.5, 0.9])
        #expect(outcomes.first?.result.decision == .accept)
        #expect(outcomes.first?.recollection.lessons.map(\.id) == ["L1"])
        // The finding the second iteration no longer had is a lesson, with the fix the judge gave.
        #expect(outcomes.first?.lessons.map(\.kind) == [.heuristic])
        #expect(
            outcomes.first?.lessons.first?.content.contains(
                "\"Totals are rounded twice\" was raised and fixed by: do better") == true)
        #expect(outcomes.first?.lessons.first?.category == "code")

        let kinds = events.map { "\($0.kind)".prefix(while: { $0 != "(" }) }
        let recalledAt = kinds.firstIndex(of: "recalled")
        let planningAt = kinds.firstIndex(of: "planning")
        let finishedAt = kinds.firstIndex(of: "finished")
        let learnedAt = kinds.firstIndex(of: "learned")
        #expect(recalledAt != nil && planningAt != nil && recalledAt! < planningAt!)
        #expect(finishedAt != nil && learnedAt != nil && finishedAt! < learnedAt!)
    }

    @Test func withoutMemoryNothingIsRecalledOrLearned() async {
        let harness = PipelineHarness(
            executor: ScriptedModel(replies: [.text("Paris")]),
            judge: ScriptedModel(replies: [.verdict(["relevance": 0.9, "quality": 0.9, "completeness": 0.9])]))
        let (result, events) = await harness.run(TaskSpec(description: trivialTask, policy: policy()))
        #expect(result.output == "Paris")
        #expect(!events.contains { if case .recalled = $0.kind { return true } else { return false } })
        #expect(!events.contains { if case .learned = $0.kind { return true } else { return false } })
    }
}

struct LessonRulesTests {
    static func record(_ number: Int, _ score: Double, findings: [Finding] = []) -> IterationRecord {
        IterationRecord(
            number: number, output: "out \(number)",
            verdict: Verdict(dimensions: [DimensionScore(name: "q", score: score, weight: 1)], findings: findings),
            usage: .zero, decision: .continue)
    }

    @Test func aRegressionAPlateauAndOpenBlockersEachGiveTheirLesson() {
        let blocker = Finding(id: "B", severity: .blocker, dimension: "q", title: "Crashes on empty input")
        let lessons = LessonRules.lessons(
            from: [
                Self.record(1, 0.7), Self.record(2, 0.5, findings: [blocker]),
                Self.record(3, 0.51, findings: [blocker]),
            ],
            task: "Parse the config file", category: "code")
        #expect(lessons.map(\.kind) == [.antiPattern, .heuristic, .antiPattern])
        #expect(lessons[0].content.contains("lowered the score from 0.70 to 0.50 (iteration 2)"))
        #expect(lessons[0].confidence == 0.7)
        #expect(lessons[1].content.contains("stopped improving after 2 iterations (score 0.51)"))
        #expect(lessons[2].content.contains("1 blocker(s) stayed unresolved after 3 iterations"))
        #expect(lessons[2].content.contains("\"Crashes on empty input\""))
    }

    @Test func aSteadyClimbTeachesNothing() {
        #expect(
            LessonRules.lessons(from: [Self.record(1, 0.5), Self.record(2, 0.9)], task: "t", category: nil).isEmpty)
    }

    @Test func extractionIsOnlyWorthItForARefinedTaskWithManyFindings() {
        let three = (1...3).map { Finding(id: "F\($0)", severity: .important, dimension: "q", title: "issue \($0)") }
        #expect(!LessonRules.warrantsExtraction([Self.record(1, 0.5, findings: three)]))
        #expect(LessonRules.warrantsExtraction([Self.record(1, 0.5, findings: three), Self.record(2, 0.6)]))
        #expect(!LessonRules.warrantsExtraction([Self.record(1, 0.5), Self.record(2, 0.6)]))
    }

    @Test func extractedBlocksAreReadLeniently() {
        let reply = """
            Here are the lessons:
            TYPE: anti_pattern
            CONTENT: Do not rewrite the whole parser when one branch is wrong.
            CONFIDENCE: 0.9
            - **TYPE**: tip
            - **CONTENT**: Run the failing test first to see the real error message.
            TYPE: preference
            CONTENT: short
            CONFIDENCE: 7
            """
        let lessons = LessonExtraction.parse(reply, category: "code")
        #expect(lessons.map(\.kind) == [.antiPattern, .heuristic])
        #expect(lessons[0].confidence == 0.9)
        #expect(lessons[1].content == "Run the failing test first to see the real error message.")
        #expect(lessons[1].confidence == 0.5)
        #expect(lessons.allSatisfy { $0.category == "code" })
    }
}

struct RecollectionPromptTests {
    @Test func skillBodiesKeepTheirLinesAndAreClippedAtALineBreak() {
        let long = (1...200).map { "Line \($0) of the skill." }.joined(separator: "\n")
        let recollection = Recollection(skills: [
            .init(name: "first", reasons: [], body: long), .init(name: "second", reasons: [], body: "Do B."),
        ])
        let text = recollection.promptSection(budgetCharacters: 600)
        #expect(text.count <= 600)
        #expect(text.hasPrefix("\n# Skill: first\nLine 1 of the skill.\nLine 2 of the skill.\n"))
        #expect(text.hasSuffix("of the skill.\n[…clipped]\n"), "\(text)")
        #expect(!text.contains("# Skill: second"), "no room left for the second")
        #expect(Recollection.none.promptSection(budgetCharacters: 600) == "")
    }
}
