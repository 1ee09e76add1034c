import Foundation
import OpenKoiCore
import OpenKoiTesting
import Testing

@testable import OpenKoiTools

/// The self-iterating loop on a real workspace with real pytest runs: edits written as text are
/// applied, failing assertions drive the next attempt, the best iteration's files are what stays.
struct AgentLoopTests {
    static let buggy = "def add(a, b):\n    return a - b\n"
    static let fixed = "def add(a, b):\n    return a + b\n"

    func calcProject() throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        try dir.write("pytest.ini", "[pytest]\n")
        try dir.write("calc.py", Self.buggy)
        try dir.write(
            "test_calc.py",
            "from calc import add\n\ndef test_add():\n    assert add(2, 3) == 5\n\ndef test_zero():\n    assert add(0, 0) == 0\n"
        )
        return dir
    }

    @Test func theFailingAssertionDrivesTheFix() async throws {
        let dir = try calcProject()
        // A model that only gets it right once it has seen the failing assertion.
        let executor = ScriptedModel { request, _ in
            let prompt = request.messages.map(\.content).joined(separator: "\n")
            if prompt.contains("assert -1 == 5") { return .text(file("calc.py", Self.fixed) + "Fixed the sign.") }
            return .text(file("calc.py", Self.buggy))
        }
        let judge = ScriptedModel(replies: [passingVerdict])
        let harness = AgentHarness(directory: dir, executor: executor, judge: judge)
        let (result, events) = await harness.run("Fix add in calc.py so test_calc.py passes")
        #expect(result.decision == .accept, "\(notices(events))")
        #expect(result.iterations == 2)
        #expect(dir.read("calc.py") == Self.fixed)
        let second = try #require(executor.requests.last?.messages.last?.content)
        #expect(second.contains("Test failed: test_calc.py::test_add"))
        #expect(second.contains("assert -1 == 5"), "the assertion's own output reaches the model")
        #expect(judge.callCount == 1, "the judge is asked only once the tests pass")
        #expect(notices(events).contains { $0.contains("judge not asked") })
        #expect(result.bestIteration == 2)
    }

    @Test func aTextStyleModelStartsAfreshFromTheFilesAsTheyWereToldWhatFailed() async throws {
        let dir = try calcProject()
        let firstTry = "def add(a, b):\n    return a * b  # first try\n"
        let seenBefore = LockedValue<String?>(nil)
        let calcPath = dir.path + "/calc.py"
        let executor = ScriptedModel { _, index in
            guard index > 0 else { return .text(file("calc.py", firstTry)) }
            seenBefore.withLock { $0 = try? String(contentsOfFile: calcPath, encoding: .utf8) }
            return .text(file("calc.py", Self.fixed))
        }
        let harness = AgentHarness(directory: dir, executor: executor, judge: ScriptedModel(replies: [passingVerdict]))
        let (result, events) = await harness.run("Fix add in calc.py so test_calc.py passes")
        #expect(result.decision == .accept, "\(notices(events))")
        #expect(result.bestIteration == 2)
        #expect(dir.read("calc.py") == Self.fixed)
        #expect(seenBefore.value == Self.buggy, "the workspace was put back before the fresh attempt")
        let second = try #require(executor.requests.last?.messages)
        #expect(second.count == 1)
        let prompt = second[0].content
        #expect(prompt.hasPrefix(executor.requests[0].messages[0].content), "the first message is reused as it was")
        #expect(prompt.contains("An earlier attempt at this task failed tests"))
        #expect(prompt.contains("assert 6 == 5"), "the failing assertion reaches the model")
        #expect(!prompt.contains("# first try"), "the failing code is not shown to be copied back")
        #expect(notices(events).contains { $0.contains("put back calc.py as before the task") })
    }

    @Test func theBestIterationsFilesAreWhatTheTaskLeavesBehind() async throws {
        let dir = try calcProject()
        let worse = "def add(a, b):\n    return None\n"
        let executor = ScriptedModel(replies: [
            .text(file("calc.py", "def add(a, b):\n    return 5 if a == 2 else 1\n")),
            .text(file("calc.py", worse)),
        ])
        let judge = ScriptedModel(replies: [passingVerdict])
        let harness = AgentHarness(directory: dir, executor: executor, judge: judge)
        let (result, events) = await harness.run("Fix add in calc.py so test_calc.py passes", iterations: 2)
        #expect(result.decision == .acceptBest, "one regression is undone, not a stop")
        #expect(result.bestIteration == 1)
        #expect(
            dir.read("calc.py") == "def add(a, b):\n    return 5 if a == 2 else 1\n", "the worse attempt was undone")
        #expect(notices(events).contains { $0.contains("restored calc.py to iteration 1") })
        #expect(judge.callCount == 0)
    }

    @Test func aReemittedTestFileIsNotApplied() async throws {
        let dir = try calcProject()
        let weakened = "def test_add():\n    pass\n"
        let executor = ScriptedModel(replies: [.text(file("test_calc.py", weakened) + file("calc.py", Self.fixed))])
        let harness = AgentHarness(directory: dir, executor: executor, judge: ScriptedModel(replies: [passingVerdict]))
        let (result, events) = await harness.run("Fix add in calc.py so test_calc.py passes")
        #expect(result.decision == .accept)
        #expect(dir.read("test_calc.py")?.contains("assert add(2, 3) == 5") == true, "the tests were not weakened")
        #expect(dir.read("calc.py") == Self.fixed)
        let refused = events.contains {
            if case .toolCall(_, _, let summary) = $0.kind { return summary.contains("test_calc.py") }
            return false
        }
        #expect(refused)
    }

    @Test func unnamedAndOutsideBlocksAreNotAppliedAndTheReasonIsRecorded() async throws {
        let dir = try calcProject()
        let reply = "```python\nprint('no name')\nprint('at all')\n```\n" + file("../outside.py", "x = 1\n")
        let executor = ScriptedModel(replies: [.text(reply), .text(file("calc.py", Self.fixed))])
        let harness = AgentHarness(directory: dir, executor: executor, judge: ScriptedModel(replies: [passingVerdict]))
        let (_, events) = await harness.run("Fix add in calc.py so test_calc.py passes")
        let summaries = events.compactMap { event -> String? in
            if case .toolCall(_, _, let summary) = event.kind { return summary }
            return nil
        }
        #expect(summaries.contains { $0.contains("(no file named)") && $0.contains("not applied") })
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/../outside.py"))
        let repair = executor.requests.dropFirst().first?.messages.last?.content ?? ""
        #expect(repair.contains("outside the workspace"), "the model is told why, in the same attempt: \(repair)")
    }

    @Test func detectedTestsNeedApprovalAndAConfiguredCommandIsApproval() async throws {
        let dir = try calcProject()
        var harness = AgentHarness(
            directory: dir, executor: ScriptedModel(replies: [.text(file("calc.py", Self.fixed))]),
            judge: ScriptedModel(replies: [passingVerdict]))
        harness.commands = .refuseAll
        let (refused, events) = await harness.run("Fix add in calc.py so test_calc.py passes", iterations: 1)
        #expect(notices(events).contains { $0.contains("tests not run") && $0.contains("--yes") })
        #expect(refused.score != nil, "the judge still scores")
        harness.testCommand = "python3 -m pytest -q"
        let (approved, _) = await harness.run("Fix add in calc.py so test_calc.py passes", iterations: 1)
        #expect(approved.decision == .accept)
    }
}

/// Excerpts and unnamed blocks: what small models write instead of whole files.
struct ExcerptEditTests {
    static let long =
        (1...20).map { "def helper_\($0)():\n    return \($0)\n" }.joined(separator: "\n")
        + "\ndef target(x):\n    return x - 1\n"

    func project() throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        try dir.write("pytest.ini", "[pytest]\n")
        try dir.write("lib.py", Self.long)
        try dir.write(
            "test_lib.py",
            "from lib import target, helper_3\n\ndef test_target():\n    assert target(1) == 2\n\ndef test_helper():\n    assert helper_3() == 3\n"
        )
        return dir
    }

    @Test func aNamedExcerptIsMergedNotWrittenOverTheFile() async throws {
        let dir = try project()
        let executor = ScriptedModel(replies: [.text(file("lib.py", "def target(x):\n    return x + 1\n"))])
        let harness = AgentHarness(directory: dir, executor: executor, judge: ScriptedModel(replies: [passingVerdict]))
        let (result, events) = await harness.run("Make target in lib.py add one", iterations: 1)
        #expect(result.decision == .accept, "\(notices(events))")
        #expect(dir.read("lib.py") == Self.long.replacing("return x - 1", with: "return x + 1"))
    }

    @Test func anExcerptThatMatchesNothingIsRefusedAndTheModelToldWhy() async throws {
        let dir = try project()
        let executor = ScriptedModel(replies: [
            .text(file("lib.py", "x = target(1)\nprint(x)\n")),
            .text(file("lib.py", "def target(x):\n    return x + 1\n")),
        ])
        let harness = AgentHarness(directory: dir, executor: executor, judge: ScriptedModel(replies: [passingVerdict]))
        let (result, _) = await harness.run("Make target in lib.py add one", iterations: 1)
        #expect(result.decision == .accept)
        let repair = executor.requests.last?.messages.last?.content ?? ""
        #expect(repair.contains("looks like an excerpt"), "\(repair)")
        #expect(dir.read("lib.py")?.contains("def helper_20") == true, "the file was never cut down")
    }

    @Test func anUnnamedBlockIsPlacedWhenOnlyOneFileCanHoldIt() async throws {
        let dir = try project()
        let executor = ScriptedModel(replies: [.text("Here:\n```python\ndef target(x):\n    return x + 1\n```\n")])
        let harness = AgentHarness(directory: dir, executor: executor, judge: ScriptedModel(replies: [passingVerdict]))
        let (result, events) = await harness.run("Make target add one", iterations: 1)
        #expect(result.decision == .accept, "\(notices(events))")
        let recognised = events.contains {
            if case .toolCall(_, _, let summary) = $0.kind { return summary.contains("recognised by its content") }
            return false
        }
        #expect(recognised)
    }
}

/// A failing call repeated is answered with what the model needs to get out of it.
struct RepeatedFailureTests {
    @Test func theSecondIdenticalFailedEditShowsTheFileAndTheWayOut() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("notes.txt", "alpha\nbeta\n")
        let bad = ToolCall(
            id: "e", name: "edit_file", arguments: ["path": "notes.txt", "old_string": "gamma", "new_string": "delta"])
        let write = ToolCall(
            id: "w", name: "write_file", arguments: ["path": "notes.txt", "content": "alpha\ndelta\n"])
        let executor = ScriptedModel(replies: [
            ScriptedReply(toolCalls: [bad]), ScriptedReply(toolCalls: [bad]), ScriptedReply(toolCalls: [write]),
            .text("Replaced beta."),
        ])
        var harness = AgentHarness(directory: dir, executor: executor, judge: ScriptedModel(replies: [passingVerdict]))
        harness.styles = ["scripted": .native]
        let (result, _) = await harness.run("Change beta to delta in notes.txt", iterations: 1)
        #expect(result.output == "Replaced beta.", "a repeated failure is not a dead end")
        #expect(dir.read("notes.txt") == "alpha\ndelta\n")
        let third = try #require(executor.requests.dropFirst(2).first)
        let answers = third.messages.filter { $0.role == .tool }.map(\.content)
        #expect(answers.count == 2)
        #expect(!answers[0].contains("failed twice"))
        #expect(answers[1].contains("This edit failed twice the same way"))
        #expect(answers[1].contains("alpha\nbeta"), "the file's current text is shown")
        #expect(answers[1].contains("write the whole file"))
    }
}
