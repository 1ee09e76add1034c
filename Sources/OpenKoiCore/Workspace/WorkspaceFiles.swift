/// The engine's view of the workspace's files, beside the tools: what to show the model up front,
/// and checkpoints so that the files of the best iteration — not just its words — are what a task
/// leaves behind. Implemented by OpenKoiTools (confined to the workspace like the tools).
public protocol WorkspaceFiles: Sendable {
    /// The file list and the text of small files, for the executor's first message.
    /// - Parameters:
    ///   - characterBudget: most characters of file text to include.
    ///   - mentioned: paths the task names; their text comes first.
    func snapshot(characterBudget: Int, mentioned: [String]) async -> WorkspaceSnapshot

    /// Current text of each file (`nil`: it does not exist, or is not a readable text file).
    func contents(of paths: [String]) async -> [String: String?]

    /// Writes each file back as given (`nil`: remove it). Returns the paths it changed.
    func restore(_ contents: [String: String?]) async throws -> [String]

    /// Whether `path` is a test file of the workspace's test suite (the tools refuse to edit those
    /// unless the task asks for test changes).
    func isTestFile(_ path: String) -> Bool
}

/// What the model sees of the workspace before its first step.
public struct WorkspaceSnapshot: Sendable, Hashable {
    /// Workspace-relative file paths, sorted (capped; `unlisted` counts the rest).
    public var files: [String]
    public var unlisted: Int
    /// Text of the files shown in full, in the order shown.
    public var contents: [FileText]
    /// Existing test files among `files`.
    public var testFiles: [String]

    public struct FileText: Sendable, Hashable {
        public var path: String
        public var text: String

        public init(path: String, text: String) {
            self.path = path
            self.text = text
        }
    }

    public init(files: [String] = [], unlisted: Int = 0, contents: [FileText] = [], testFiles: [String] = []) {
        self.files = files
        self.unlisted = unlisted
        self.contents = contents
        self.testFiles = testFiles
    }

    public var isEmpty: Bool { files.isEmpty }
}
