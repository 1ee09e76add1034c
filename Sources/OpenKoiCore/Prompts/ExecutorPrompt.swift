/// Builds what the executor sends. The system prompt and the first message (task plus workspace)
/// stay the same across iterations, so a server's prompt cache is reused; what changes — the
/// attempt to build on and its review — comes after them.
enum ExecutorPrompt {
    static let identity = """
        You are OpenKoi, a careful, self-critical agent. You do the task completely and correctly, \
        you verify what you claim, and you say plainly when you are unsure. Be direct and concise.
        """

    /// - Parameter textTools: in the text style, offer the non-edit tools as JSON calls (only when
    ///   the first message does not already show every file: small models otherwise spend their
    ///   attempt re-reading what they were given).
    ///   - memory: what recall found for the task (`Recollection.promptSection`), or "".
    ///   - examplePath: the file the edit-format example names (small models copy a placeholder
    ///     such as `path/to/file.py` literally, so it is a real file of the task).
    static func system(
        task: TaskSpec, plan: Plan, tools: [ToolDefinition], style: ToolCallStyle, identity: String,
        protectsTests: Bool, textTools: Bool = true, memory: String = "", examplePath: String = "app.py"
    ) -> String {
        var text = "# Identity\n\(identity)\n\n# Task\n\(task.description)\n"
        if !plan.skipped, !plan.steps.isEmpty {
            text += "\n# Plan\n"
            for (index, step) in plan.steps.enumerated() { text += "\(index + 1). \(step)\n" }
        }
        if !plan.acceptanceCriteria.isEmpty {
            text += "\n# Acceptance criteria\n"
            for criterion in plan.acceptanceCriteria { text += "- \(criterion)\n" }
        }
        text += memory
        guard !tools.isEmpty else { return text }
        switch style {
        case .native:
            // Names only: the full definitions travel as native tool schemas, and small local models
            // with 4k-token contexts lose the task when the prompt repeats them.
            text += "\n# Tools\nWhen the task needs it, use these tools to inspect or change files and run commands: "
            text += tools.map(\.name).joined(separator: ", ") + ".\n"
        case .text:
            text += textFormat(tools: textTools ? tools : [], examplePath: examplePath)
        }
        if protectsTests { text += "\nDo not change existing test files; make the code pass them." }
        // Agents that act through tools tend to close with "done"; the reply is what the user gets.
        text += "\nEnd with the complete final answer, not a description of what you did."
        return text
    }

    /// For models that write tools as text: the edit formats they produce best, and one JSON form for the rest.
    static func textFormat(tools: [ToolDefinition], examplePath: String) -> String {
        let fence = "```" + language(of: examplePath)
        var text = """

            # Changing files
            To create or change a file, reply with the whole file (only the files you change):
            ### FILE: \(examplePath)
            \(fence)
            <complete new content>
            ```
            To change part of a long file, reply with only the functions or classes you change, each one \
            whole, under its ### FILE: line (they replace the ones of the same name), or with a SEARCH/REPLACE \
            block; SEARCH copies the file's lines exactly:
            ### FILE: \(examplePath)
            <<<<<<< SEARCH
            <lines to replace>
            =======
            <new lines>
            >>>>>>> REPLACE

            """
        let others = tools.map(\.name).filter { $0 != "write_file" && $0 != "edit_file" }
        if !others.isEmpty {
            text += "To use a tool (\(others.joined(separator: ", "))), reply with only a JSON object like "
            text += #"{"tool": "read_file", "arguments": {"path": "README.md"}}"# + " and wait for the result.\n"
        }
        return text
    }

    /// The file to name in the edit-format example: one the task must create or names, else the
    /// first source file shown.
    static func examplePath(intentPaths: [String], snapshot: WorkspaceSnapshot?, tests: Set<String>) -> String {
        let candidates = intentPaths + (snapshot?.contents.map(\.path) ?? [])
        return candidates.first { !tests.contains($0) && !$0.hasSuffix(".ini") && FileNaming.looksLikePath($0) }
            ?? "app.py"
    }

    /// The first message: the task, and the workspace as it was before the first attempt. Test
    /// files are shown apart, under a heading of their own, and files with next to nothing in them
    /// are only listed: small models copy every `### FILE:` block they are shown back into their
    /// reply, which costs output tokens (~16 a second on 2 cores) and changes nothing.
    static func firstMessage(task: TaskSpec, snapshot: WorkspaceSnapshot?, protectsTests: Bool) -> String {
        guard let snapshot, !snapshot.isEmpty else { return task.description }
        var text = task.description + "\n\n# Workspace\nFiles: " + snapshot.files.joined(separator: ", ")
        if snapshot.unlisted > 0 { text += " (and \(snapshot.unlisted) more)" }
        text += "\n"
        let shown = snapshot.contents.filter { $0.text.trimmed.count > 20 }
        let tests = Set(snapshot.testFiles)
        for file in shown where !tests.contains(file.path) {
            text += "\n" + fenced(path: file.path, text: file.text) + "\n"
            let lines = file.text.split(separator: "\n", omittingEmptySubsequences: false).count
            if lines > longFileLines {
                // Written out whole, a long file costs minutes of output on a small local model.
                text += "(\(file.path) has \(lines) lines: change it with SEARCH/REPLACE blocks or whole functions, "
                text += "not by writing out the whole file.)\n"
            }
        }
        let testFiles = shown.filter { tests.contains($0.path) }
        if !testFiles.isEmpty {
            text += protectsTests ? "\n\(testsHeading)\n" : "\n# Tests\n"
            for file in testFiles {
                text += "\n\(file.path):\n" + fence(file.text, language: language(of: file.path)) + "\n"
            }
        }
        if snapshot.contents.count < snapshot.files.count, !shown.isEmpty {
            text += "\nFiles not shown can be read with read_file.\n"
        }
        return text
    }

    /// Sent when edit blocks in the reply did not apply, so the model can repair them in the same attempt.
    static func editRepair(_ failures: [String]) -> String {
        var text = "Some of your edits were not applied:\n"
        for failure in failures.prefix(6) { text += "- \(clip(failure, limit: 2500))\n" }
        text += "Send corrected blocks for those files only (SEARCH must copy the file's current lines exactly), "
        text += "or the whole file."
        return text
    }

    /// A file as `### FILE: path` and a fenced block in its language.
    static func fenced(path: String, text: String) -> String {
        "### FILE: \(path)\n" + fence(text, language: language(of: path))
    }

    static func fence(_ text: String, language: String) -> String {
        let marker = text.contains("```") ? "````" : "```"
        let body = text.hasSuffix("\n") ? text : text + "\n"
        return "\(marker)\(language)\n\(body)\(marker)"
    }

    /// Files longer than this are changed with SEARCH/REPLACE blocks or whole functions.
    static let longFileLines = 80

    static let testsHeading = "# Tests (read-only: make the code pass them)"

    /// Stop sequences that end a reply as soon as it starts copying the protected tests back.
    static func stopSequences(protecting testFiles: [String]) -> [String] {
        guard !testFiles.isEmpty else { return [] }
        return [testsHeading] + testFiles.flatMap { ["### FILE: \($0)", "\n\($0):\n```"] }
    }

    static func language(of path: String) -> String {
        let ext = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
        let names: [String: String] = [
            "py": "python", "js": "javascript", "ts": "typescript", "rs": "rust", "rb": "ruby", "sh": "bash",
            "md": "markdown", "yml": "yaml", "h": "c", "hpp": "cpp", "kt": "kotlin",
        ]
        return names[ext] ?? (ext.count <= 10 ? ext : "")
    }

    /// Keeps the start of long text, cut on a character boundary, and says how much was left out.
    static func clip(_ text: String, limit: Int) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(limit)) + "\n... [truncated, \(text.count) characters in total]"
    }
}
