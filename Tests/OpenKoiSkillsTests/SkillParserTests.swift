import OpenKoiCore
import Testing

@testable import OpenKoiSkills

struct SkillParserTests {
    func parse(_ text: String, defaultKind: Skill.Kind = .task) throws(SkillParseError) -> Skill {
        try SkillParser.parse(text, source: "s/SKILL.md", defaultName: "dir-name", defaultKind: defaultKind)
    }

    /// The error text for `text`, or a description of the skill it unexpectedly parsed to.
    func failure(_ text: String) -> String {
        do {
            return "parsed: \(try parse(text).name)"
        } catch {
            return error.description
        }
    }

    @Test func everyReferenceFieldIsRead() throws {
        let skill = try parse(
            """
            ---
            name: nightly-report
            kind: Task
            description: Sends the nightly report.
            metadata:
              categories: [Summary, writing, summary]
              os: [linux, darwin]
              requires_bins: [jq, curl]
              requires_env: [GITHUB_TOKEN]
              trigger:
                type: cron
                schedule: {hour: 2, minute: 30}
              schema_version: 2
              openclaw: {emoji: "x"}
              openkoi:
                internal: true
            ---
            # Report

            Steps.
            """)
        #expect(skill.name == "nightly-report")
        #expect(skill.kind == .task)
        #expect(skill.description == "Sends the nightly report.")
        #expect(skill.categories == ["summary", "writing"])
        #expect(skill.os == ["linux", "macos"])
        #expect(skill.requiresBins == ["jq", "curl"])
        #expect(skill.requiresEnv == ["GITHUB_TOKEN"])
        #expect(skill.trigger == SkillTrigger(type: "cron", schedule: ["hour": 2, "minute": 30]))
        #expect(skill.schemaVersion == 2)
        #expect(skill.openclaw == ["emoji": "x"])
        #expect(skill.openkoi == ["internal": true])
        #expect(skill.isInternal)
        #expect(skill.body == "# Report\n\nSteps.")
        #expect(skill.source == "s/SKILL.md")
    }

    @Test func defaultsWhenFieldsAreMissing() throws {
        let skill = try parse("---\ndescription:\n---\n# Body\n")
        #expect(skill.name == "dir-name")
        #expect(skill.kind == .task)
        #expect(skill.description == "")
        #expect(skill.schemaVersion == 1)
        #expect(!skill.isInternal && skill.trigger == nil && skill.os.isEmpty)
        #expect(skill.body == "# Body")
        // An evaluator directory makes the kind default to evaluator, which then needs dimensions.
        #expect(throws: SkillParseError.self) { try parse("---\nname: e\n---\n", defaultKind: .evaluator) }
    }

    @Test func bodyKeepsLaterRulesAndWindowsLineEndingsAndBOMAreAccepted() throws {
        let skill = try parse("\u{FEFF}---\r\nname: x\r\n---\r\nIntro\r\n\r\n---\r\n\r\nMore\r\n")
        #expect(skill.name == "x")
        #expect(skill.body == "Intro\n\n---\n\nMore")
    }

    /// OpenClaw writes `metadata` as one line of JSON, as a JSON5 block, or under older block names.
    @Test func openClawRequirementFormsMapIntoOsBinsAndEnv() throws {
        let oneLine = try parse(
            """
            ---
            name: image-lab
            description: Generate images
            metadata: {"openclaw":{"requires":{"bins":["uv"],"env":["GEMINI_API_KEY"],"config":["browser.enabled"]},"primaryEnv":"GEMINI_API_KEY"}}
            ---
            """)
        #expect(oneLine.requiresBins == ["uv"] && oneLine.requiresEnv == ["GEMINI_API_KEY"])
        #expect(oneLine.openclaw?["primaryEnv"] == "GEMINI_API_KEY")

        let block = try parse(
            """
            ---
            name: gemini
            metadata:
              {
                "openclaw":
                  {
                    "os": ["darwin", "linux"],
                    "requires": { "bins": ["gemini"], "anyBins": ["brew", "apt"] },
                  },
              }
            ---
            """)
        #expect(block.os == ["macos", "linux"])
        #expect(block.requiresBins == ["gemini"] && block.requiresAnyBins == ["brew", "apt"])

        let quoted = try parse(
            "---\nname: q\nmetadata: '{\"clawdbot\": {\"os\": \"win32\", \"requires\": {\"env\": [\"TOKEN\"]}}}'\n---\n"
        )
        #expect(quoted.os == ["windows"] && quoted.requiresEnv == ["TOKEN"])

        let topLevel = try parse("---\nname: t\nos: darwin\nrequires:\n  bins: [sqlite3]\n  env: DB_URL\n---\n")
        #expect(topLevel.os == ["macos"] && topLevel.requiresBins == ["sqlite3"] && topLevel.requiresEnv == ["DB_URL"])

        // `always: true` skips OpenClaw's requirement checks but not its OS filter.
        let always = try parse(
            "---\nname: a\nmetadata:\n  openclaw:\n    always: true\n    os: [linux]\n    requires: {bins: [gh]}\n---\n"
        )
        #expect(always.os == ["linux"] && always.requiresBins.isEmpty)
    }

    @Test func agentSkillsFieldsAreAcceptedAndModelHiddenSkillsAreInternal() throws {
        let skill = try parse(
            """
            ---
            name: pdf-tools
            description: |
              Extract text from PDFs.
              Use when the task mentions a PDF.
            license: Apache-2.0
            compatibility: Needs poppler-utils
            allowed-tools: Bash(pdftotext:*) Read
            disable-model-invocation: true
            metadata:
              author: someone
              version: "1.0"
            ---
            Run pdftotext.
            """)
        #expect(skill.description == "Extract text from PDFs.\nUse when the task mentions a PDF.")
        #expect(skill.isInternal)
        #expect(skill.categories.isEmpty)
    }

    @Test func wrongTypesAreErrorsNamingTheFileLine() {
        let cases = [
            (
                "---\nname: x\nmetadata:\n  categories: {a: b}\n---\n",
                "s/SKILL.md:4: metadata.categories must be a list of names"
            ),
            ("---\nkind: tool\n---\n", "s/SKILL.md:2: kind must be 'task' or 'evaluator', got 'tool'"),
            ("---\nmetadata: [a]\n---\n", "s/SKILL.md:2: metadata must be a mapping"),
            ("---\nmetadata: plain words\n---\n", "s/SKILL.md:2: metadata must be a mapping"),
            ("---\nname: a/b\n---\n", "s/SKILL.md:2: name must be one line of at most 128 characters without '/'"),
            (
                "---\na: 1\nmetadata:\n  schema_version: two\n---\n",
                "s/SKILL.md:4: metadata.schema_version must be a whole number of 1 or more"
            ),
            (
                "---\nmetadata:\n  trigger: {schedule: daily}\n---\n",
                "s/SKILL.md:3: metadata.trigger must be a mapping with a 'type'"
            ),
            (
                "---\nmetadata:\n  openkoi: {internal: maybe}\n---\n",
                "s/SKILL.md:3: metadata.openkoi.internal must be true or false"
            ),
            (
                "---\nmetadata:\n  openclaw:\n    requires:\n      bins: {a: 1}\n---\n",
                "s/SKILL.md:5: metadata.openclaw.requires.bins must be a list of names"
            ),
            ("---\ndescription: [a]\n---\n", "s/SKILL.md:2: description must be text"),
            ("---\nname: x\n", "s/SKILL.md:1: frontmatter is not closed by a '---' line"),
            ("name: x\n", "s/SKILL.md:1: SKILL.md must start with a '---' frontmatter line"),
            ("---\nx: *anchor\n---\n", "s/SKILL.md:2: YAML aliases are not supported in SKILL.md"),
            (
                "---\n" + String(repeating: "[", count: 100) + "\n---\n",
                "s/SKILL.md:2: YAML nested deeper than 64 levels"
            ),
            ("---\na: 1\n...\nb: 2\n---\n", "s/SKILL.md:4: did not find expected <document start>"),
            ("---\n- a\n---\n", "s/SKILL.md:2: frontmatter must be a YAML mapping"),
        ]
        for (text, message) in cases {
            #expect(failure(text) == message, "\(text.debugDescription)")
        }
    }

    /// libyaml's own messages, with the line shifted past the opening `---`.
    @Test func invalidYAMLIsAnErrorNamingTheLine() {
        let cases = [
            ("---\n: : :\n---\n", "junk:2: did not find expected key"),
            ("---\n[unclosed\n---\n", "junk:3: did not find expected ',' or ']'"),
            ("---\n\t- a\n---", "junk:2: found character that cannot start any token"),
            ("---\nname: [a, {b: }\n---", "junk:3: did not find expected ',' or ']'"),
            ("---", "junk:1: frontmatter is not closed by a '---' line"),
        ]
        for (text, message) in cases {
            do {
                let skill = try SkillParser.parse(text, source: "junk", defaultName: "j")
                Issue.record("\(text.debugDescription) parsed to \(skill.name)")
            } catch {
                #expect(error.description == message)
            }
        }
    }

    @Test func malformedDimensionWeightNamesFileAndLine() {
        let text =
            "---\nname: x\nkind: evaluator\nmetadata:\n  dimensions:\n    - name: a\n      weight: lots\n---\nbody"
        #expect(failure(text) == "s/SKILL.md:6: dimension 'a' needs a non-negative numeric weight")
    }
}
