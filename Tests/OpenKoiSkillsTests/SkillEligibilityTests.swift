import Testing

@testable import OpenKoiSkills

struct SkillEligibilityTests {
    /// One row per requirement shape: what the skill needs, the machine, and the verdict a user sees.
    @Test func eligibilityMatrix() throws {
        let bin = try TemporaryDirectory()
        try bin.write("openkoi-test-tool", "#!/bin/sh\n", mode: 0o755)
        try bin.write("openkoi-test-noexec", "#!/bin/sh\n", mode: 0o644)
        let path = "/nonexistent:" + bin.path
        let missing = "openkoi-test-missing"
        struct Row {
            var skill: Skill
            var source: SkillSource = .user
            var environment: [String: String]
            var os = "linux"
            var reason: String?
        }
        let rows: [Row] = [
            Row(skill: Skill(name: "plain"), environment: [:], reason: nil),
            Row(skill: Skill(name: "mac", os: ["macos"]), environment: [:], reason: "only on macos"),
            Row(skill: Skill(name: "mac", os: ["macos"]), environment: [:], os: "macos", reason: nil),
            Row(
                skill: Skill(name: "two", os: ["macos", "windows"]), environment: [:], reason: "only on macos, windows"),
            Row(skill: Skill(name: "lin", os: ["linux"]), environment: [:], reason: nil),
            Row(skill: Skill(name: "darwin", os: ["macos"]), environment: [:], os: "darwin", reason: nil),
            Row(
                skill: Skill(name: "bin", requiresBins: ["openkoi-test-tool"]), environment: ["PATH": path], reason: nil
            ),
            Row(
                skill: Skill(name: "bin", requiresBins: ["openkoi-test-tool", missing]), environment: ["PATH": path],
                reason: "needs `\(missing)` on PATH"),
            Row(
                skill: Skill(name: "noexec", requiresBins: ["openkoi-test-noexec"]), environment: ["PATH": path],
                reason: "needs `openkoi-test-noexec` on PATH"),
            Row(
                skill: Skill(name: "off-path", requiresBins: ["openkoi-test-tool"]), environment: ["PATH": "/usr/bin"],
                reason: "needs `openkoi-test-tool` on PATH"),
            Row(
                skill: Skill(name: "abs", requiresBins: [bin.path + "/openkoi-test-tool"]), environment: ["PATH": ""],
                reason: nil),
            Row(skill: Skill(name: "sh", requiresBins: ["sh"]), environment: [:], reason: nil),
            Row(
                skill: Skill(name: "any", requiresAnyBins: [missing, "openkoi-test-tool"]), environment: ["PATH": path],
                reason: nil),
            Row(
                skill: Skill(name: "any", requiresAnyBins: [missing, "openkoi-test-noexec"]),
                environment: ["PATH": path], reason: "needs one of `\(missing)`, `openkoi-test-noexec` on PATH"),
            Row(
                skill: Skill(name: "env", requiresEnv: ["GITHUB_TOKEN"]), environment: ["GITHUB_TOKEN": "t"],
                reason: nil),
            Row(
                skill: Skill(name: "env", requiresEnv: ["GITHUB_TOKEN"]), environment: ["GITHUB_TOKEN": ""],
                reason: "needs $GITHUB_TOKEN"),
            Row(
                skill: Skill(name: "env", requiresEnv: ["A", "B", "C"]), environment: ["B": "x"],
                reason: "needs $A, $C"),
            Row(skill: Skill(name: "p"), source: .proposed, environment: [:], reason: "proposed, not approved"),
            Row(
                skill: Skill(name: "all", os: ["macos"], requiresBins: [missing], requiresEnv: ["TOKEN"]),
                source: .proposed, environment: ["PATH": path],
                reason: "proposed, not approved; only on macos; needs `\(missing)` on PATH; needs $TOKEN"),
        ]
        for row in rows {
            let verdict = SkillEligibility.check(
                row.skill, source: row.source, environment: row.environment, os: row.os)
            #expect(verdict.reason == row.reason, "\(row.skill.name) with \(row.environment) on \(row.os)")
            #expect(verdict.isEligible == (row.reason == nil))
        }
    }

    @Test func osNamesFromOtherToolsMapToOurs() {
        #expect(
            ["darwin", "macOS", "osx", "win32", "Windows", "linux", "freebsd"].map(SkillEligibility.osName) == [
                "macos", "macos", "macos", "windows", "windows", "linux", "freebsd",
            ])
        #expect(["linux", "macos"].contains(SkillEligibility.currentOS))
    }
}
