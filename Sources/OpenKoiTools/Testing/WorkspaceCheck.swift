import OpenKoiCore

/// The evaluator's objective signals for one workspace (`ObjectiveCheck`): its test suite, under
/// the command approval policy, and the files the task says to create — they must exist and parse
/// (Python with `ast`, JSON, TOML) when a parser for their type is on the machine.
public struct WorkspaceCheck: ObjectiveCheck {
    public let tests: TestCommandCheck
    private let access: WorkspaceAccess

    public init(workspace: String, tests: TestCommandCheck) {
        self.tests = tests
        access = WorkspaceAccess(Result { () throws(WorkspaceError) in try Workspace(root: workspace) })
    }

    public func run(_ request: ObjectiveCheckRequest) async -> ObjectiveReport {
        var report = ObjectiveReport()
        if request.runTests {
            if let refusal = tests.refusal {
                report.testsNotRun = refusal
            } else {
                report.tests = await tests.run()
            }
        }
        for path in request.expectedFiles { report.files.append(await check(path)) }
        return report
    }

    /// One expected file: present, a regular file, and parseable for its type.
    func check(_ path: String) async -> FileCheckResult {
        let target: WorkspacePath
        do throws(ToolFailure) {
            target = try access.resolve(path)
        } catch {
            return FileCheckResult(path: path, problem: "`\(path)` cannot be created: \(error.message)")
        }
        guard let info = FileSystem.info(target.absolute) else {
            return FileCheckResult(path: target.relative, problem: "`\(target.relative)` was not created")
        }
        guard info.kind == .file else {
            return FileCheckResult(path: target.relative, problem: "`\(target.relative)` is not a regular file")
        }
        let ext = target.relative.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch ext {
        case "py": return await pythonSyntax(target)
        case "json":
            return parsed(target, checker: "JSON") { JSONValue.parse($0) == nil ? "it is not valid JSON" : nil }
        case "toml":
            return parsed(target, checker: "TOML") { text in
                do throws(TOMLError) {
                    _ = try TOMLParser.parse(text)
                    return nil
                } catch {
                    return "line \(error.line): \(error.message)"
                }
            }
        default: return FileCheckResult(path: target.relative, problem: nil)
        }
    }

    private func parsed(_ target: WorkspacePath, checker: String, problem: (String) -> String?) -> FileCheckResult {
        guard let bytes = try? FileSystem.readBytes(target.absolute, displayPath: target.relative, maxBytes: 16 << 20),
            let text = String(validating: bytes, as: UTF8.self)
        else {
            return FileCheckResult(
                path: target.relative, problem: "`\(target.relative)` is not UTF-8 text", checker: checker)
        }
        let issue = problem(text).map { "`\(target.relative)` does not parse as \(checker): \($0)" }
        return FileCheckResult(path: target.relative, problem: issue, checker: checker)
    }

    /// Compiles the file to an AST without running it (and without writing `__pycache__`).
    private func pythonSyntax(_ target: WorkspacePath) async -> FileCheckResult {
        let script = "import ast,sys; ast.parse(open(sys.argv[1],'rb').read(), sys.argv[1])"
        // Parsing only reads; the sandbox (when on) keeps it that way.
        var sandbox = tests.sandbox
        if sandbox.mode == .workspaceWrite { sandbox.mode = .readOnly }
        guard let workspace = try? access.workspace,
            let result = try? await sandbox.run(
                .argv(["python3", "-c", script, target.relative]), workspace: workspace.root, timeout: 20)
        else { return FileCheckResult(path: target.relative, problem: nil) }
        if result.exitCode == 127 || result.exitCode == 126 {
            return FileCheckResult(path: target.relative, problem: nil)
        }
        guard result.exitCode != 0 else {
            return FileCheckResult(path: target.relative, problem: nil, checker: "python3 ast")
        }
        let tail = TestOutputParser.tail(of: result.output, lines: 4)
        return FileCheckResult(
            path: target.relative, problem: "`\(target.relative)` does not compile:\n\(tail)", checker: "python3 ast")
    }
}
